/**
 * BERT's WordPiece tokenizer, matching the Hugging Face tokenizers library id for id.
 *
 * <p>Load one with {@link dev.slimfit.model.tokenizer.WordPieceTokenizer#fromTokenizerJson} (a Hugging Face
 * tokenizer.json) or {@link dev.slimfit.model.tokenizer.WordPieceTokenizer#fromVocabTxt} (a vocab.txt and
 * {@link dev.slimfit.model.tokenizer.BertVocabOptions}); encode texts or pairs, alone or in batches, under
 * {@link dev.slimfit.model.tokenizer.EncodeOptions} (special tokens, truncation, padding) into
 * {@link dev.slimfit.model.tokenizer.Encoding}s: ids, token type ids and attention mask.
 *
 * <p>Files are untrusted: every defect is a {@link dev.slimfit.model.tokenizer.TokenizerFileException} naming
 * the file and the field. The test HuggingFaceParityTest holds the proof of parity, and UnicodeClasses documents
 * its one known limit (code points newer than the library's Unicode 8.0 category table).
 */
package dev.slimfit.model.tokenizer;
