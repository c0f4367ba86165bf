package dev.slimfit.engine.autograd;

import dev.slimfit.engine.Device;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Scope;
import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;
import dev.slimfit.engine.ops.Ops;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tensor an op keeps for its backward pass, stored as the current {@link SavePolicy} chooses. Uncompressed, the
 * slot shares the op's buffer (no copy) and the ledger counts that buffer as {@link dev.slimfit.engine.Category#ACTIVATION}
 * while any slot holds it; compressed, the slot owns (or shares with other slots saving the same view the same way)
 * an encoded copy counted at its encoded size. A slot is released by backward right after use, or by the
 * enclosing {@link Scope} if backward never runs.
 */
public final class SavedSlot implements AutoCloseable {

    /**
     * Elements a backward decodes at a time on the host when it walks an encoded saved tensor in slices (1 MiB of
     * float32): hundreds of vector iterations per core, small beside the tensors it avoids decoding whole (BERT-base,
     * batch 32: 12 to 48 MiB).
     */
    public static final long HOST_DECODE_CHUNK_ELEMENTS = 1 << 18;
    /**
     * The same on a GPU (16 MiB of float32): each slice costs a few launches, so slices must be large enough to fill
     * the device. BERT-base slimfit step (batch 32 × 128) on an H100: 91.7 ms with 1 MiB slices, 78.2 with 4 MiB,
     * 75.4 with 16 MiB, 74.7 with 64 MiB.
     */
    public static final long GPU_DECODE_CHUNK_ELEMENTS = 1 << 22;

    /** Elements a backward on {@code device} decodes at a time. */
    public static long decodeChunkElements(Device device) {
        return device.isHost() ? HOST_DECODE_CHUNK_ELEMENTS : GPU_DECODE_CHUNK_ELEMENTS;
    }

    /** Encoded copies alive on this thread, by source buffer, so one view saved twice is encoded once. */
    private static final ThreadLocal<Map<Object, List<EncodedActivation>>> SHARED =
            ThreadLocal.withInitial(IdentityHashMap::new);

    private final SaveSite site;
    private final Codec codec;
    private Tensor alias;
    private EncodedActivation encoded;
    private boolean released;

    private SavedSlot(SaveSite site, Codec codec) {
        this.site = site;
        this.codec = codec;
    }

    /** Saves {@code tensor} for backward as the current policy decides for {@code site}. */
    public static SavedSlot save(Tensor tensor, SaveSite site) {
        Codec codec = SavePolicy.current().codecFor(site);
        if (codec == null) {
            throw new IllegalStateException("save policy returned no codec for " + site);
        }
        return saveWith(tensor, site, codec);
    }

    /** Saves {@code tensor} with an explicit codec, bypassing the policy (e.g. indices, LayerNorm statistics). */
    public static SavedSlot saveWith(Tensor tensor, SaveSite site, Codec codec) {
        tensor.checkOpen("save " + site.kind());
        SavedSlot slot = new SavedSlot(site, codec);
        if (codec instanceof Codec.None) {
            Tensor handle = tensor.alias();
            Scope.unregisterFromCurrent(handle);
            handle.holdAsActivation(site.label());
            slot.alias = handle;
        } else {
            slot.encoded = sharedEncoding(tensor, codec, site.label());
        }
        Scope.registerInCurrent(slot);
        return slot;
    }

    private static EncodedActivation sharedEncoding(Tensor tensor, Codec codec, String owner) {
        Map<Object, List<EncodedActivation>> shared = SHARED.get();
        List<EncodedActivation> candidates = shared.computeIfAbsent(tensor.storageKey(), k -> new ArrayList<>());
        for (EncodedActivation candidate : candidates) {
            if (candidate.matches(tensor, codec)) {
                candidate.retain();
                return candidate;
            }
        }
        EncodedActivation fresh = EncodedActivation.encode(tensor, codec, owner);
        candidates.add(fresh);
        return fresh;
    }

    /**
     * Stops later saves of {@code overwritten}'s buffer from sharing the encodings made so far: an op is about to
     * write over it, so they no longer describe its contents. Slots that hold those encodings keep them.
     */
    public static void forgetSharedEncodings(Tensor overwritten) {
        SHARED.get().remove(overwritten.storageKey());
    }

    public SaveSite site() {
        return site;
    }

    public Codec codec() {
        return codec;
    }

    /** Bytes this slot's stored form occupies (shared buffers count in full for each slot). */
    public long storedBytes() {
        if (alias != null) {
            return alias.byteSize();
        }
        return encoded == null ? 0 : encoded.storedBytes();
    }

    /**
     * The saved tensor, decoded to float32 if it was encoded. The caller closes what it gets (a view handle, or a
     * decoded workspace copy).
     */
    public Tensor get() {
        if (released) {
            throw new IllegalStateException("saved " + site.kind() + " of " + site.label()
                    + " was already released: backward ran twice through this graph, or its scope closed");
        }
        if (alias != null) {
            return alias.alias();
        }
        return encoded.decode(site.label() + ".decoded");
    }

    /**
     * Writes the saved tensor (decoded if encoded) into {@code destination}, a contiguous float32 tensor of its shape:
     * lets an op decode straight into its output buffer instead of into a temporary one.
     */
    public void getInto(Tensor destination) {
        if (released) {
            throw new IllegalStateException("saved " + site.kind() + " of " + site.label() + " was already released");
        }
        if (alias != null) {
            Ops.copyInto(alias, destination);
        } else {
            encoded.decodeInto(destination);
        }
    }

    /**
     * Elements a {@link #decodeRangeInto} range must start on (and span, except at the end); 1 for an exact slot.
     */
    public long decodeGranule() {
        return alias != null ? 1 : encoded.decodeGranule();
    }

    /**
     * Writes elements {@code [first, first + count)} of the saved tensor (row-major, decoded if encoded) into
     * {@code destination}, a contiguous float32 tensor of at least {@code count} elements: a large saved tensor can be
     * walked through a small buffer instead of decoded whole.
     */
    public void decodeRangeInto(long first, long count, Tensor destination) {
        if (released) {
            throw new IllegalStateException("saved " + site.kind() + " of " + site.label() + " was already released");
        }
        if (destination.dtype() != DType.F32 || !destination.isContiguous() || destination.numel() < count) {
            throw new IllegalArgumentException("decode range of " + site.label() + ": destination "
                    + destination.describe() + " is not a contiguous float32 tensor of at least " + count + " elements");
        }
        if (alias != null) {
            Shape range = Shape.of(Math.toIntExact(count));
            long[] unit = {1};
            try (Tensor flat = alias.isContiguous() ? alias.alias() : Ops.contiguous(alias);
                 Tensor from = flat.view(range, unit, flat.offset() + first);
                 Tensor to = destination.view(range, unit, destination.offset())) {
                Ops.copyInto(from, to);
            }
            return;
        }
        encoded.decodeRangeInto(first, count, destination.segment());
    }

    /**
     * Bytes that closing this slot now would free: its encoding when no other slot shares it, or the buffer it keeps
     * as it is when nothing else holds that buffer; 0 once released.
     */
    public long releasableBytes() {
        if (released) {
            return 0;
        }
        if (alias != null) {
            return alias.isSoleOwner() ? alias.byteSize() : 0;
        }
        return encoded.isShared() ? 0 : encoded.storedBytes();
    }

    /** Whether the saved tensor is kept as it is (not encoded), so {@link #get()} costs no copy. */
    public boolean isExact() {
        return alias != null;
    }

    public boolean isReleased() {
        return released;
    }

    /** Frees what this slot holds; idempotent. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        if (alias != null) {
            alias.releaseActivationHold();
            alias.close();
            alias = null;
        }
        if (encoded != null) {
            if (encoded.release()) {
                Map<Object, List<EncodedActivation>> shared = SHARED.get();
                List<EncodedActivation> candidates = shared.get(encoded.sourceKey());
                if (candidates != null) {
                    candidates.remove(encoded);
                    if (candidates.isEmpty()) {
                        shared.remove(encoded.sourceKey());
                    }
                }
            }
            encoded = null;
        }
    }
}
