// The umbrella module: `import ObsScale` brings in every layer.
@_exported import ObsScaleData
@_exported import ObsScaleFit
@_exported import ObsScaleNumerics
@_exported import ObsScaleReport
@_exported import ObsScaleSelect
@_exported import LinearProgramming
