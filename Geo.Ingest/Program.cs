using Geo.Ingest.Cli;

return await GeoCli.RunAsync(args);
