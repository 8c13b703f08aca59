// Placeholder until the GLPK layer lands; removed with it.
