import ObsScale
