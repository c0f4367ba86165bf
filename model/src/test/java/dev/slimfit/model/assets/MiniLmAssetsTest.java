package dev.slimfit.model.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

class MiniLmAssetsTest {

    @Test
    void theJarProvidesTheTokenizerAndTheOnnxModel() throws IOException {
        WordPieceTokenizer tokenizer = MiniLmAssets.tokenizer();
        assertEquals(30_522, tokenizer.vocabSize());
        assertEquals(101, tokenizer.tokenToId("[CLS]"));
        assertEquals(102, tokenizer.tokenToId("[SEP]"));
        assertEquals(0, tokenizer.tokenToId("[PAD]"));
        try (InputStream onnx = MiniLmAssets.openOnnx()) {
            byte[] head = onnx.readNBytes(2);
            // an ONNX ModelProto starts with field 1 (ir_version), a varint: tag byte 0x08
            assertEquals(0x08, head[0]);
        }
    }

    @Test
    void aMissingJarIsNamedInTheError() {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            AssetUnavailableException e = assertThrows(AssetUnavailableException.class,
                    () -> MiniLmAssets.open(MiniLmAssets.ONNX_RESOURCE, empty));
            assertTrue(e.getMessage().contains(MiniLmAssets.MAVEN_ARTIFACT), e.getMessage());
            assertTrue(e.getMessage().contains(MiniLmAssets.ONNX_RESOURCE), e.getMessage());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
