package forecast

// Run limits, the same on the command line and over HTTP: a million runs
// take a few seconds; past these a request ties up a server for minutes.
const (
	// MaxRuns bounds the simulated accessions of one forecast.
	MaxRuns = 2_000_000
	// MaxBacktestRuns bounds the runs of each forecast in a backtest (it
	// forecasts every past accession).
	MaxBacktestRuns = 500_000
)
