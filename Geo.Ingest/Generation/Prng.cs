using System.Text;

namespace Geo.Ingest.Generation;

/// <summary>SplitMix64: a tiny PRNG whose output depends only on its seed, on every runtime and machine.
/// System.Random's seeded algorithm is an implementation detail, and string.GetHashCode is randomised
/// per process, so neither may decide what the generator makes.</summary>
internal sealed class Prng(ulong state)
{
    private ulong _state = state;

    /// <summary>An independent stream for one purpose (e.g. "assets", community code, kind): changing the
    /// scale or adding a kind never shifts the numbers another stream draws.</summary>
    public static Prng For(int seed, params string[] parts)
    {
        // FNV-1a over the UTF-8 of the parts, then mixed with the seed: stable across processes
        var h = 14695981039346656037UL;
        foreach (var part in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(part)) { h ^= b; h *= 1099511628211UL; }
            h ^= 0xFF; h *= 1099511628211UL;
        }
        return new Prng(Mix(h ^ Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL)));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextU64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    public int Next(int n) => (int)(NextDouble() * n);

    public double Range(double min, double max) => min + (max - min) * NextDouble();

    public int RangeInt(int min, int maxInclusive) => min + Next(maxInclusive - min + 1);

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Rounds <paramref name="x"/> up with probability equal to its fraction, so that expected
    /// counts stay right when a scale makes them fractional.</summary>
    public int RoundRandom(double x)
    {
        var f = Math.Floor(x);
        return (int)f + (Chance(x - f) ? 1 : 0);
    }

    public T Weighted<T>(IReadOnlyList<(T Item, double Weight)> items)
    {
        var total = 0.0;
        foreach (var (_, w) in items) total += w;
        var r = NextDouble() * total;
        foreach (var (item, w) in items)
        {
            if ((r -= w) < 0) return item;
        }
        return items[^1].Item;
    }
}
