// The umbrella module: `import ObsScale` brings in every layer (docs/architecture.md). A client
// that needs one layer depends on its own product instead (e.g. `LinearProgramming`).
@_exported import LinearProgramming
@_exported import ObsScaleData
@_exported import ObsScaleEvaluation
@_exported import ObsScaleFit
@_exported import ObsScaleNumerics
@_exported import ObsScaleReport
@_exported import ObsScaleSelect
