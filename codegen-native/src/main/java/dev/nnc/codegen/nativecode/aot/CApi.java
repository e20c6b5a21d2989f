package dev.nnc.codegen.nativecode.aot;

import java.util.ArrayList;
import java.util.List;

/**
 * The functions a compiled model exports, each with its documentation and the runtime call
 * it forwards to: the single list the header's prototypes, the generated definitions and the
 * linker's export list are written from.
 */
final class CApi {
    private CApi() {}

    /**
     * One exported function.
     *
     * @param call the runtime call its body returns (C, naming the parameters)
     * @param doc its documentation, paragraphs separated by blank lines
     */
    record Function(String returnType, String name, String parameters, String call, String doc) {
        String prototype() { return returnType + " " + name + "(" + parameters + ")"; }
    }

    static List<Function> functions(ApiModel m) {
        String p = m.prefix(), handle = m.typeName() + "*", model = "(nnc_model*) model";
        List<Function> f = new ArrayList<>();
        f.add(new Function(handle, p + "_create", "const char* weights_path",
                "(" + handle + ") nnc_rt_create(&model_desc, weights_path)", """
                Loads the model: reads its weights from a safetensors file (tensors named and \
                shaped as the model's parameters, F32, F16 or BF16 data, the last two widened to \
                float), runs the load-time preparation and starts the worker threads (NNC_THREADS \
                of them if that environment variable is set, else one per CPU this process may \
                use).

                Returns the model, or NULL when the file cannot be read, is not safetensors, has \
                a weight missing, misshaped or unexpected, NNC_THREADS is not a number from 1 to \
                1024, or memory runs out; %1$s_last_error() then says which, listing every \
                weight problem.""".formatted(p)));
        f.add(new Function("int", p + "_set_threads", handle + " model, int threads",
                "nnc_rt_set_threads(" + model + ", threads)", """
                Uses `threads` threads for the following calls: the calling thread and threads - 1 \
                workers. 0 restores the default (NNC_THREADS, else one per CPU).

                Returns 0, or -1 when the model is NULL, threads is not from 0 to 1024 or the \
                workers cannot start (the model then keeps its threads)."""));
        if (m.hasPredict()) f.add(predict(m, handle, model));
        f.add(run(m, handle, model));
        f.add(new Function("void", p + "_destroy", handle + " model", "nnc_rt_destroy(" + model + ")", """
                Stops the model's threads and frees all its memory. NULL is ignored. No other \
                call may use the model during or after this one."""));
        f.add(new Function("const char*", p + "_last_error", "void", "nnc_rt_last_error()", """
                Why the calling thread's most recent failed call failed (a create that returned \
                NULL or a call that returned -1), or "" if none has. Successful calls leave it \
                as it is. The text is valid until this thread's next failed call."""));
        return f;
    }

    private static Function predict(ApiModel m, String handle, String model) {
        ApiModel.Tensor in = m.inputs().getFirst(), out = m.outputs().getFirst();
        return new Function("int", m.prefix() + "_predict", handle + " model, int64_t batch, const float* input, "
                + "int64_t input_length, float* output, int64_t output_length",
                "nnc_rt_predict(" + model + ", batch, input, input_length, output, output_length)", """
                Runs the model on `batch` items (the size %1$s = batch, from 1 to 2147483647): \
                reads input '%2$s' (%3$s, %4$s floats) and writes output '%5$s' (%6$s, %7$s floats), \
                which must not overlap. The lengths count floats and must be exactly these; they \
                are checked before anything runs.

                Returns 0, or -1 when the model or a buffer is NULL, batch is out of range or a \
                length is wrong.""".formatted(m.symbols().getFirst(), in.name(), in.type(), m.elementsCall(in, "batch"),
                out.name(), out.type(), m.elementsCall(out, "batch")));
    }

    private static Function run(ApiModel m, String handle, String model) {
        return new Function("int", m.prefix() + "_run", handle + " model, const int64_t* sizes, const void* const* inputs, "
                + "const int64_t* input_lengths, float* const* outputs, const int64_t* output_lengths",
                "nnc_rt_run(" + model + ", sizes, inputs, input_lengths, outputs, output_lengths)", """
                Runs the model, any number of inputs and outputs. sizes[i] is the value of size \
                symbol i (%1$s_SYMBOL_COUNT of them, each from 1 to 2147483647; NULL if there are \
                none). inputs[i] points to input i's elements (float, or int64_t where the input \
                says so) and input_lengths[i] counts them; outputs[i] and output_lengths[i] \
                likewise, in the order of the %1$s_IN_* and %1$s_OUT_* index macros. Every \
                length must be exactly what the shapes give for these sizes (the *_ELEMENTS \
                macros), and no output may overlap another buffer; all of this, and every index \
                input's values, is checked before anything runs.

                Returns 0, or -1 with the reason in %2$s_last_error().""".formatted(m.macroPrefix(), m.prefix()));
    }
}
