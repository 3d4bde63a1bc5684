using System;
using System.Linq;
using EventMpm.Configuration;
using EventMpm.Configuration.Directives;
using Xunit;

namespace EventMpm.Runtime.Tests.Configuration;

/// <summary>A directive is declared once, in its catalogue row: what follows from the rows stays in step with them.</summary>
public class CatalogueTests
{
    [Fact]
    public void Every_compiled_value_is_a_constant_of_exactly_one_row()
    {
        string[] constants = DirectiveCatalog.All.SelectMany(d => d.Constants).Select(c => c.Member).ToArray();
        Assert.Equal(constants.Length, constants.Distinct().Count());
        Type[] scalar = [typeof(int), typeof(long), typeof(bool), typeof(LogLevel), typeof(string)];
        string[] values = typeof(ServerSettings).GetProperties()
            .Where(p => p.CanWrite && scalar.Contains(p.PropertyType))
            .Select(p => p.Name).ToArray();
        // A value the settings keep but no row compiles (or a row naming a value that is not kept) fails here.
        Assert.Equal(values.Order(), constants.Order());
    }

    [Fact]
    public void A_default_shown_is_the_value_the_row_shows_for_the_settings_defaults()
    {
        DirectiveDefinition keepAlive = DirectiveCatalog.Find("KeepAliveTimeout")!;
        Assert.Equal("5", keepAlive.DefaultText); // 5000 ms kept, written as httpd's seconds
        Assert.Equal("250ms", keepAlive.Show!(new ServerSettings { KeepAliveTimeoutMilliseconds = 250 }));
        Assert.Equal("header=20-40,MinRate=500 body=20,MinRate=500", DirectiveCatalog.Find("RequestReadTimeout")!.DefaultText);
        Assert.Equal("http data", DirectiveCatalog.Find("AcceptFilter")!.DefaultText);
    }
}
