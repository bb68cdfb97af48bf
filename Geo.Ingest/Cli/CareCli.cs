using System.Globalization;
using Geo.Core.Care;
using Geo.Core.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Geo.Ingest.Cli;

/// <summary><c>care rotate-key [--batch N]</c>: re-encrypts the registry's and the delivery orders' personal fields to the
/// active key of the ring in <c>Geo:CareRegistry</c> (environment: <c>Geo__CareRegistry__Keys__ID</c>,
/// <c>Geo__CareRegistry__ActiveKeyId</c>, or the single <c>Geo__CareRegistry__Key</c>). <c>care demo</c> (run by
/// <c>./geo run</c>): the labelled synthetic registry households, once.</summary>
internal static class CareCli
{
    public const string Usage = "care rotate-key [--batch N] | care demo [--seed N]";

    public static CareCipher CipherFromEnvironment()
    {
        var options = new ConfigurationBuilder().AddEnvironmentVariables().Build()
            .GetSection(CareRegistryOptions.Section).Get<CareRegistryOptions>() ?? new CareRegistryOptions();
        return new CareCipher(options);
    }

    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, string[] args)
    {
        try
        {
            switch (args.FirstOrDefault())
            {
                case "rotate-key":
                {
                    var batch = CareKeyRotation.DefaultBatch;
                    for (var i = 1; i < args.Length; i++)
                    {
                        if (args[i] == "--batch" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                            && b is >= 1 and <= CareKeyRotation.MaxBatch) { batch = b; i++; }
                        else if (args[i] != "--batch") throw new ArgumentException($"unknown option '{args[i]}'; usage: {Usage}");
                        else throw new ArgumentException($"--batch takes 1..{CareKeyRotation.MaxBatch}; usage: {Usage}");
                    }
                    var cipher = CipherFromEnvironment();
                    if (!cipher.Configured) throw new ArgumentException("no care registry key: set Geo__CareRegistry__Keys__ID=BASE64 (one per key) and Geo__CareRegistry__ActiveKeyId=ID");
                    Console.WriteLine($"re-encrypting to key '{cipher.ActiveKeyId}' (ring: {string.Join(", ", cipher.KeyIds.Order(StringComparer.Ordinal))}), {batch} rows per transaction");
                    var report = await CareKeyRotation.RotateAsync(dataSource, cipher, batch, Console.WriteLine, CancellationToken.None);
                    Console.WriteLine($"done: {report.RegistryRows} registry rows and {report.DeliveryRows} delivery orders re-encrypted in {report.Batches} transactions; "
                        + $"keys in use: {(report.KeysInUse.Count == 0 ? "none (no data)" : string.Join(", ", report.KeysInUse.Select(k => $"{k.Key} ({k.Value} fields)")))}");
                    var others = report.KeysInUse.Keys.Where(k => k != report.ActiveKeyId).ToList();
                    if (others.Count == 0) Console.WriteLine("every ciphertext is on the active key: keys other than it may now be removed from the ring");
                    return 0;
                }
                case "demo":
                {
                    var seed = 20231;
                    for (var i = 1; i < args.Length; i++)
                    {
                        if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)) { seed = s; i++; }
                        else throw new ArgumentException($"usage: {Usage}");
                    }
                    var cipher = CipherFromEnvironment();
                    if (!cipher.Configured)
                    {
                        Console.WriteLine("care registry demo: no key configured, skipped");
                        return 0;
                    }
                    var added = await Generation.CareRegistryDemo.EnsureAsync(dataSource, cipher, seed, CancellationToken.None);
                    Console.WriteLine(added > 0 ? $"care registry demo: {added} synthetic households added (encrypted with key '{cipher.ActiveKeyId}')"
                        : "care registry demo: synthetic households already present");
                    return 0;
                }
                default:
                    throw new ArgumentException($"usage: {Usage}");
            }
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (GeoException e)
        {
            // an unknown key id, a tampered ciphertext, a bad key setting: one line, the batch rolled back
            await Console.Error.WriteLineAsync($"{e.Parameter}: {e.Message}");
            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("invalid configuration", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }
}
