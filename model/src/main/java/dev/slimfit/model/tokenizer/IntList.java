package dev.slimfit.model.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids are collected without boxing. */
final class IntList {

    private static final int INITIAL_CAPACITY = 64;

    private int[] values;
    private int size;

    IntList() {
        this(INITIAL_CAPACITY);
    }

    IntList(int capacity) {
        values = new int[Math.max(capacity, 1)];
    }

    void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    /** Drops every value from {@code newSize} on. */
    void truncate(int newSize) {
        size = Math.min(size, newSize);
    }

    int size() {
        return size;
    }

    int get(int index) {
        return values[index];
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
