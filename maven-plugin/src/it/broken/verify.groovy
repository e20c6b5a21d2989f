def log = new File(basedir, 'build.log').text
def nn = new File(basedir, 'src/main/nn/broken.nn').canonicalPath
// The diagnostic, at Maven's error level, with the absolute path, line and column, then the excerpt.
assert log.contains("[ERROR] ${nn}:5:14: error: unknown name 'dens' (expected a layer)") : 'file:line:col diagnostic'
assert log.contains('[ERROR]  5 |     x |> fc: dens(2) |> relu')
assert log.contains("[ERROR]   = help: did you mean 'dense'?")
assert log.contains('nnc: 1 error in broken.nn')
return true
