package dev.slimfit.model.tokenizer;

import java.util.List;

/**
 * How one or two tokenized sequences become the model's input (the post-processor): which special tokens go
 * where, and which token type id each part gets. BERT's is {@code [CLS] A [SEP]} for one sequence and
 * {@code [CLS] A [SEP] B [SEP]} for a pair, with type id 0 up to the first [SEP] and 1 after it.
 *
 * @param single the parts for one sequence: contains sequence A once and no B
 * @param pair   the parts for a pair: contains A once and B once
 */
record SequenceTemplate(List<Part> single, List<Part> pair) {

    /** One part of a template. */
    sealed interface Part permits SequencePart, SpecialPart {
        int typeId();
    }

    /** The tokens of the first ({@code second == false}) or second sequence, all with {@code typeId}. */
    record SequencePart(boolean second, int typeId) implements Part {
    }

    /** Fixed special token ids, present only when special tokens are added. */
    record SpecialPart(String name, int[] ids, int typeId) implements Part {
    }

    SequenceTemplate {
        single = List.copyOf(single);
        pair = List.copyOf(pair);
        requireSequences(single, "single", 1, 0);
        requireSequences(pair, "pair", 1, 1);
    }

    /** No special tokens: A with type 0, and B with type 1 (what the library does without a post-processor). */
    static SequenceTemplate plain() {
        return new SequenceTemplate(List.of(new SequencePart(false, 0)),
                List.of(new SequencePart(false, 0), new SequencePart(true, 1)));
    }

    /** {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, B's part with type id 1. */
    static SequenceTemplate bert(String clsToken, int clsId, String sepToken, int sepId) {
        SpecialPart cls = new SpecialPart(clsToken, new int[] {clsId}, 0);
        SpecialPart sep = new SpecialPart(sepToken, new int[] {sepId}, 0);
        SpecialPart sepB = new SpecialPart(sepToken, new int[] {sepId}, 1);
        return new SequenceTemplate(List.of(cls, new SequencePart(false, 0), sep),
                List.of(cls, new SequencePart(false, 0), sep, new SequencePart(true, 1), sepB));
    }

    /** How many special token ids the template adds around one sequence or a pair. */
    int specialTokenCount(boolean isPair) {
        int count = 0;
        for (Part part : isPair ? pair : single) {
            if (part instanceof SpecialPart special) {
                count += special.ids().length;
            }
        }
        return count;
    }

    /** The index at which the pair template places sequence B when sequence A has {@code firstLength} tokens. */
    int secondSequenceStart(int firstLength, boolean addSpecials) {
        int index = 0;
        for (Part part : pair) {
            switch (part) {
                case SequencePart sequence -> {
                    if (sequence.second()) {
                        return index;
                    }
                    index += firstLength;
                }
                case SpecialPart special -> index += addSpecials ? special.ids().length : 0;
            }
        }
        throw new IllegalStateException("the pair template holds no sequence B"); // the constructor rules this out
    }

    /**
     * Appends the assembled ids and type ids.
     *
     * @param first       tokens of sequence A
     * @param second      tokens of sequence B, or {@code null} for a single sequence
     * @param addSpecials whether special parts are included
     */
    void assemble(int[] first, int[] second, boolean addSpecials, IntList ids, IntList typeIds) {
        for (Part part : second == null ? single : pair) {
            switch (part) {
                case SequencePart sequence -> {
                    for (int id : sequence.second() ? second : first) {
                        ids.add(id);
                        typeIds.add(sequence.typeId());
                    }
                }
                case SpecialPart special -> {
                    if (addSpecials) {
                        for (int id : special.ids()) {
                            ids.add(id);
                            typeIds.add(special.typeId());
                        }
                    }
                }
            }
        }
    }

    private static void requireSequences(List<Part> parts, String which, int wantA, int wantB) {
        int a = 0;
        int b = 0;
        for (Part part : parts) {
            if (part instanceof SequencePart sequence) {
                if (sequence.second()) {
                    b++;
                } else {
                    a++;
                }
            }
        }
        if (a != wantA || b != wantB) {
            throw new IllegalArgumentException("the " + which + " template must hold sequence A " + wantA
                    + " time(s) and B " + wantB + " time(s); it holds A " + a + " and B " + b + " time(s)");
        }
    }
}
