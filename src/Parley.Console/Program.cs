using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Parley.Client;
using Parley.ConsoleApp;
using Parley.ConsoleApp.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The console is served by the Parley it manages: the API is at the page's own origin.
var origin = new Uri(new Uri(builder.HostEnvironment.BaseAddress).GetLeftPart(UriPartial.Authority) + "/");
builder.Services.AddSingleton(new HttpClient { BaseAddress = origin });
builder.Services.AddSingleton(sp => new ParleyClient(sp.GetRequiredService<HttpClient>()));
builder.Services.AddSingleton<ConsoleSession>();
builder.Services.AddSingleton<EscalationWatch>();

await builder.Build().RunAsync();
