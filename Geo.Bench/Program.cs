Console.Error.WriteLine("usage: Geo.Bench NAME (benchmarks arrive with their issues)");
return 2;
