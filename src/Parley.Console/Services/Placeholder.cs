namespace Parley.ConsoleApp.Services;

internal static class Placeholder;
