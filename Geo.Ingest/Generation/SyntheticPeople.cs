namespace Geo.Ingest.Generation;

/// <summary>Made-up grid managers. The phone numbers all start 1380000 (the customary placeholder prefix),
/// so none of them is mistaken for a real person's.</summary>
internal static class SyntheticPeople
{
    private static readonly string[] Surnames =
        ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"];

    private static readonly string[] GivenChars =
        ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "红", "玉", "兰", "晨", "宇", "欣", "佳", "浩", "婷", "雪"];

    public static string Name(Prng rng)
    {
        var given = rng.Chance(0.6) ? rng.Pick(GivenChars) + rng.Pick(GivenChars) : rng.Pick(GivenChars);
        return rng.Pick(Surnames) + given;
    }

    public static string Phone(Prng rng) => "1380000" + rng.Next(10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
