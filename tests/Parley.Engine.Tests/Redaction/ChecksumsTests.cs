using Parley.Engine.Redaction;

namespace Parley.Engine.Tests.Redaction;

public sealed class ChecksumsTests
{
    [Theory]
    [InlineData("4111 1111 1111 1111", true)]
    [InlineData("4111-1111-1111-1112", false)]
    [InlineData("79927398713", true)] // the example on Wikipedia's Luhn page
    [InlineData("79927398710", false)]
    [InlineData("", false)]
    public void Luhn(string value, bool valid)
    {
        Assert.Equal(valid, Checksums.IsLuhnValid(value));
    }

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("gb82west12345698765432", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("GB82WEST12345698765433", false)]
    [InlineData("GB82 WEST12345698765432", false)] // the checksum takes compact input
    [InlineData("GB8", false)]
    public void Iban_mod_97(string value, bool valid)
    {
        Assert.Equal(valid, Checksums.IsIbanChecksumValid(value));
    }

    [Theory]
    [InlineData(536, 22, 1234, "536221234", true)]
    [InlineData(0, 22, 1234, "000221234", false)]
    [InlineData(666, 22, 1234, "666221234", false)]
    [InlineData(900, 22, 1234, "900221234", false)]
    [InlineData(536, 0, 1234, "536001234", false)]
    [InlineData(536, 22, 0, "536220000", false)]
    [InlineData(111, 11, 1111, "111111111", false)]
    public void Ssn_rules(int area, int group, int serial, string digits, bool valid)
    {
        Assert.Equal(valid, Checksums.IsPlausibleUsSsn(area, group, serial, digits));
    }
}
