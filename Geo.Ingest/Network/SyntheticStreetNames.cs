namespace Geo.Ingest.Network;

/// <summary>Made-up but plausible street names for the synthetic network, one per grid line (so a street keeps its
/// name from end to end, as a real one does): east–west lines are 街, north–south lines 路, every arterial a 大街 or
/// 大道. Between two arterials the local lines share a stem and are numbered (梨园一街, 梨园二街 …), the way new
/// districts around Beijing name their grids. Pure functions of the line's index: the same seed and outline give the
/// same names. The edges stay flagged synthetic; the map marks these names as such.</summary>
public static class SyntheticStreetNames
{
    // stems in the flavour of Tongzhou's place names (canal, pear gardens, old towns); none is a real street's full name
    private static readonly string[] EastWestStems =
        ["示范", "运河", "梨园", "玉桥", "新华", "通惠", "永顺", "九棵", "潞苑", "北苑", "云景", "临河", "杨庄", "翠屏", "芙蓉", "紫运"];
    private static readonly string[] NorthSouthStems =
        ["滨河", "果园", "土桥", "通顺", "宋郎", "台湖", "张湾", "漷县", "潞城", "西集", "于家务", "永乐", "马驹", "次渠", "京通", "怡乐"];
    private static readonly string[] Numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

    /// <summary>The name of east–west grid line <paramref name="row"/> (arterials every <paramref name="arterialEvery"/> rows).</summary>
    public static string EastWest(int row, int arterialEvery) => Name(row, arterialEvery, EastWestStems, "大街", "街");

    /// <summary>The name of north–south grid line <paramref name="column"/>.</summary>
    public static string NorthSouth(int column, int arterialEvery) => Name(column, arterialEvery, NorthSouthStems, "大道", "路");

    private static string Name(int line, int every, string[] stems, string arterial, string local)
    {
        every = Math.Max(2, every);
        var block = line / every;
        var stem = stems[block % stems.Length];
        // past one round of stems, a direction word keeps names apart (东/西 for north–south lines, 南/北 for east–west)
        var round = block / stems.Length;
        var prefix = round == 0 ? "" : (local == "路" ? (round % 2 == 1 ? "东" : "西") : (round % 2 == 1 ? "北" : "南")) + (round > 2 ? Numerals[Math.Min(round, 10) - 1] : "");
        var k = line % every;
        return k == 0 ? $"{prefix}{stem}{arterial}" : $"{prefix}{stem}{Numeral(k)}{local}";
    }

    private static string Numeral(int k) => k <= 10 ? Numerals[k - 1] : k < 20 ? "十" + Numerals[k - 11] : Numerals[k / 10 - 1] + "十" + (k % 10 == 0 ? "" : Numerals[k % 10 - 1]);
}
