using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Geo.Api;

/// <summary>Geo's settings bound the one way: <c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>, validated with the
/// class's own messages (which name the setting) and checked when the host starts, so a bad setting stops it with
/// "invalid configuration in Section: ..." instead of surfacing in a request. The bound value is also registered as
/// a singleton: handlers and Core services inject it (or <see cref="IOptions{T}"/>), never IConfiguration.</summary>
public static class GeoOptionsSetup
{
    public static OptionsBuilder<T> AddGeoOptions<T>(this IServiceCollection services, string section, Func<T, IEnumerable<string>>? problems = null)
        where T : class
    {
        var builder = services.AddOptions<T>().BindConfiguration(section);
        if (problems is not null) builder.Validate(section, problems);
        builder.ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return builder;
    }

    /// <summary><see cref="OptionsBuilder{T}.Validate(Func{T, bool}, string)"/> with every problem in the message, not one fixed text.</summary>
    public static OptionsBuilder<T> Validate<T>(this OptionsBuilder<T> builder, string section, Func<T, IEnumerable<string>> problems) where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(builder.Name, section, problems));
        return builder;
    }

    private sealed class ProblemsValidator<T>(string? name, string section, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName) return ValidateOptionsResult.Skip;
            var list = problems(options).ToList();
            return list.Count == 0 ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"invalid configuration in {section}: {string.Join("; ", list)}");
        }
    }
}
