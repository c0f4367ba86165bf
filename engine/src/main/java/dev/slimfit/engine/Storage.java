package dev.slimfit.engine;

import java.lang.foreign.MemorySegment;

/**
 * One device buffer shared by a tensor and its views, freed when the last reference is released. It carries the
 * ledger category and owner label its bytes are counted under; autograd moves a workspace buffer to
 * {@link Category#ACTIVATION} while saved slots hold it, and back when they let go.
 */
final class Storage {

    private final Device device;
    private final MemorySegment segment;
    private final long bytes;
    private Category category;
    private String owner;
    private int references = 1;
    private int activationHolds;
    private Category categoryBeforeHold;
    private String ownerBeforeHold;
    private boolean freed;

    private Storage(Device device, MemorySegment segment, long bytes, Category category, String owner) {
        this.device = device;
        this.segment = segment;
        this.bytes = bytes;
        this.category = category;
        this.owner = owner;
    }

    static Storage allocate(Device device, long bytes, Category category, String owner) {
        MemorySegment segment = device.memory().allocate(bytes);
        device.ledger().allocated(category, owner, bytes);
        return new Storage(device, segment, bytes, category, owner);
    }

    Device device() {
        return device;
    }

    MemorySegment segment() {
        return segment;
    }

    long bytes() {
        return bytes;
    }

    synchronized Category category() {
        return category;
    }

    synchronized String owner() {
        return owner;
    }

    synchronized boolean isFreed() {
        return freed;
    }

    synchronized boolean isSoleReference() {
        return references == 1 && activationHolds == 0;
    }

    synchronized void retain() {
        if (freed) {
            throw new IllegalStateException("storage of '" + owner + "' was already freed");
        }
        references++;
    }

    synchronized void release() {
        if (freed) {
            return;
        }
        if (--references == 0) {
            freed = true;
            device.memory().free(segment);
            device.ledger().freed(category, owner, bytes);
        }
    }

    /**
     * Counts this buffer as an activation while at least one saved slot holds it. Only workspace buffers move:
     * a parameter referenced by backward stays a parameter.
     */
    synchronized void holdAsActivation(String slotOwner) {
        if (category == Category.WORKSPACE || (category == Category.ACTIVATION && activationHolds > 0)) {
            if (activationHolds++ == 0) {
                categoryBeforeHold = category;
                ownerBeforeHold = owner;
                device.ledger().moved(category, owner, Category.ACTIVATION, slotOwner, bytes);
                category = Category.ACTIVATION;
                owner = slotOwner;
            }
        }
    }

    /** Ends one activation hold; the last one returns the bytes to their previous category if still alive. */
    synchronized void releaseActivationHold() {
        if (activationHolds == 0) {
            return;
        }
        if (--activationHolds == 0 && !freed) {
            device.ledger().moved(category, owner, categoryBeforeHold, ownerBeforeHold, bytes);
            category = categoryBeforeHold;
            owner = ownerBeforeHold;
        }
    }

    /** Re-labels the buffer (same category), e.g. when a workspace result becomes a named gradient. */
    synchronized void recategorize(Category newCategory, String newOwner) {
        if (activationHolds > 0) {
            throw new IllegalStateException("cannot re-categorise '" + owner + "' while autograd holds it");
        }
        device.ledger().moved(category, owner, newCategory, newOwner, bytes);
        category = newCategory;
        owner = newOwner;
    }
}
