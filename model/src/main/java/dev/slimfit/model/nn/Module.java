package dev.slimfit.model.nn;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named piece of a model that owns parameters and child modules. Every parameter carries its full Hugging Face
 * name (e.g. {@code encoder.layer.3.attention.self.query.weight}) as its tensor name and ledger owner, so freezing,
 * checkpoints and memory reports address tensors by the same names as the PyTorch checkpoints do. Parameters are
 * created zero-filled and trainable; see {@link Init} for initialisation. Closing a module frees its parameters
 * (and their gradients).
 */
public abstract class Module implements AutoCloseable {

    private final String name;
    private final Device device;
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final List<Module> children = new ArrayList<>();
    private boolean training;

    protected Module(String name, Device device) {
        this.name = name;
        this.device = device;
    }

    /** The full name of this module ("" for a root without prefix). */
    public String name() {
        return name;
    }

    public Device device() {
        return device;
    }

    /** {@code name + "." + local}, or {@code local} for a root without prefix. */
    protected String qualify(String local) {
        return qualify(name, local);
    }

    public static String qualify(String prefix, String local) {
        return prefix.isEmpty() ? local : prefix + "." + local;
    }

    /** Creates a zero-filled trainable parameter named {@code name + "." + local}. */
    protected Tensor parameter(String local, int... dims) {
        String full = qualify(local);
        if (parameters.containsKey(local)) {
            throw new IllegalStateException("duplicate parameter " + full);
        }
        Tensor t = Tensor.zeros(device, DType.F32, Shape.of(dims), Category.PARAMETER, full).name(full)
                .requiresGrad(true);
        parameters.put(local, t);
        return t;
    }

    protected <M extends Module> M child(M module) {
        children.add(module);
        return module;
    }

    /** Every parameter of this module and its descendants, by full name, in construction order. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        collect(all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(Map<String, Tensor> all) {
        for (Tensor t : parameters.values()) {
            all.put(t.name(), t);
        }
        for (Module child : children) {
            child.collect(all);
        }
    }

    public List<Tensor> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Total bytes of the parameters. */
    public long parameterBytes() {
        return namedParameters().values().stream().mapToLong(Tensor::byteSize).sum();
    }

    public List<Module> children() {
        return Collections.unmodifiableList(children);
    }

    public boolean isTraining() {
        return training;
    }

    /** Training mode (dropout active) for this module and its descendants. */
    public void train(boolean on) {
        this.training = on;
        for (Module child : children) {
            child.train(on);
        }
    }

    /** Frees every parameter (and gradient) of this module and its descendants; idempotent. */
    @Override
    public void close() {
        for (Tensor t : parameters.values()) {
            t.close();
        }
        for (Module child : children) {
            child.close();
        }
    }
}
