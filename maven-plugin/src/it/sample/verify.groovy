def log = new File(basedir, 'build.log').text
assert log.contains('nnc: compiling mlp.nn') : 'the first build compiles mlp.nn'
assert log.contains('nnc: 1 model file up to date') : 'the second build finds mlp.nn up to date'
assert log.count('nnc: compiling mlp.nn') == 1 : 'mlp.nn is compiled once only'
assert log.contains('Tests run: 2, Failures: 0, Errors: 0')
def out = new File(basedir, 'target/classes/com/example/models')
assert new File(out, 'Mlp.class').isFile()
assert new File(out, 'Mlp.safetensors').isFile()
def api = new File(basedir, 'target/generated-sources/nnc-api/com/example/models/Mlp.java')
assert api.isFile()
assert api.text.contains('public static com.example.models.Mlp load();')
def jar = new java.util.jar.JarFile(new File(basedir, 'target/nnc-sample-1.0.jar'))
assert jar.getEntry('com/example/models/Mlp.class') != null
assert jar.getEntry('com/example/models/Mlp.safetensors') != null
jar.close()
return true
