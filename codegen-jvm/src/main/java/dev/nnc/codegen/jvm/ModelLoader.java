package dev.nnc.codegen.jvm;

import dev.nnc.runtime.CompiledModel;
import dev.nnc.runtime.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/** Defines generated classes in a fresh class loader and instantiates the model, for running in process. */
public final class ModelLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    private ModelLoader(Map<String, byte[]> classes) {
        super(ModelLoader.class.getClassLoader());
        this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) throw new ClassNotFoundException(name);
        return defineClass(name, bytes, 0, bytes.length);
    }

    /** The model class of {@code result}, constructed from weights by name. */
    public static CompiledModel instantiate(JvmBackend.Result result, Map<String, Tensor> weights) {
        try {
            Class<?> cls = new ModelLoader(result.classes()).loadClass(result.className());
            return (CompiledModel) cls.getConstructor(Map.class).newInstance(weights);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("generated constructor failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated class " + result.className(), e);
        }
    }
}
