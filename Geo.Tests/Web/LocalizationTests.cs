using System.Reflection;
using System.Text.Json;
using Geo.Core.Data;
using Geo.Core.Domain;
using Geo.Web.Localization;

namespace Geo.Tests.Web;

public sealed class LocalizationTests
{
    [Fact]
    public void Every_text_key_is_translated_in_both_languages()
    {
        var missing = Enum.GetValues<Text>()
            .SelectMany(k => new[] { ("zh", k, UiText.Zh.GetValueOrDefault(k)), ("en", k, UiText.En.GetValueOrDefault(k)) })
            .Where(x => string.IsNullOrWhiteSpace(x.Item3))
            .Select(x => $"{x.Item1}:{x.k}")
            .ToList();
        Assert.Empty(missing);
        Assert.Equal(Enum.GetValues<Text>().Length, UiText.Zh.Count);
        Assert.Equal(Enum.GetValues<Text>().Length, UiText.En.Count);
    }

    [Fact]
    public void English_has_no_chinese_left_in_it_except_the_switch_back_to_chinese()
    {
        var untranslated = UiText.En.Where(kv => kv.Key != Text.SwitchLanguage && kv.Value.Any(c => c >= '\u4e00' && c <= '\u9fff')).Select(kv => kv.Key).ToList();
        Assert.Empty(untranslated);
        var chineseless = UiText.Zh.Where(kv => kv.Key != Text.SwitchLanguage && kv.Value == UiText.En[kv.Key] && kv.Value.Any(char.IsLetter)).Select(kv => kv.Key).ToList();
        Assert.Empty(chineseless);
    }

    [Fact]
    public void Every_attribute_field_of_every_asset_kind_has_a_label_in_both_languages()
    {
        var fields = AssetKinds.All
            .SelectMany(k => AssetJson.AttributeType(k).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))
            .Distinct()
            .ToList();
        Assert.NotEmpty(fields);
        var missing = fields.Where(f => !UiText.Fields.TryGetValue(f, out var l) || string.IsNullOrWhiteSpace(l.Zh) || string.IsNullOrWhiteSpace(l.En)).ToList();
        Assert.Empty(missing);
    }
}
