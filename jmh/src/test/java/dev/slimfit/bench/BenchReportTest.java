package dev.slimfit.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\","
            + "\"Unit\",\"Param: elements\",\"Param: impl\",\"Param: shape\",\"Param: threads\"";

    @Test
    void gemmRowsGetGflopsAndTheRatioToOpenBlasOfTheSameShapeAndThreads() {
        String report = BenchReport.render(BenchReport.parse(List.of(HEADER,
                "\"dev.slimfit.bench.GemmBenchmark.gemm\",\"thrpt\",1,5,9.0,0.5,\"ops/s\",,slimfit,fwd_NT_8x8x8,2",
                "\"dev.slimfit.bench.GemmBenchmark.gemm:flops\",\"thrpt\",1,5,60000000000,2000000000,\"ops/s\",,slimfit,fwd_NT_8x8x8,2",
                "\"dev.slimfit.bench.GemmBenchmark.gemm:flops\",\"thrpt\",1,5,80000000000,1000000000,\"ops/s\",,openblas,fwd_NT_8x8x8,2",
                "\"dev.slimfit.bench.GemmBenchmark.gemm:flops\",\"thrpt\",1,5,50000000000,1000000000,\"ops/s\",,openblas,fwd_NT_8x8x8,1")));
        assertTrue(report.contains("| GemmBenchmark.gemm | shape=fwd_NT_8x8x8 threads=2 | 60.0 ± 2.0 | 80.0 ± 1.0 | 0.75 |"),
                report);
        assertTrue(report.contains("| GemmBenchmark.gemm | shape=fwd_NT_8x8x8 threads=1 | — | 50.0 ± 1.0 | — |"), report);
    }

    @Test
    void bandwidthRowsAreComparedWithCopyOfTheSameClassAndParameters() {
        String report = BenchReport.render(BenchReport.parse(List.of(HEADER,
                "\"dev.slimfit.bench.PointwiseBenchmark.add:bytes\",\"thrpt\",1,3,12000000000,NaN,\"ops/s\",1024,,,1",
                "\"dev.slimfit.bench.PointwiseBenchmark.copy:bytes\",\"thrpt\",1,3,16000000000,1e8,\"ops/s\",1024,,,1",
                "\"dev.slimfit.bench.PointwiseBenchmark.add:bytes\",\"thrpt\",1,3,20000000000,1e8,\"ops/s\",1024,,,2")));
        assertTrue(report.contains("| PointwiseBenchmark.add | elements=1024 threads=1 | 12.0 ± ? | 16.0 | 0.75 |"),
                report);
        assertTrue(report.contains("| PointwiseBenchmark.add | elements=1024 threads=2 | 20.0 ± 0.1 | — | — |"), report);
    }

    @Test
    void quotedCellsKeepTheirCommas() {
        assertEquals(List.of("a,b", "c", "say \"hi\"", ""), BenchReport.splitCsv("\"a,b\",c,\"say \"\"hi\"\"\","));
    }
}
