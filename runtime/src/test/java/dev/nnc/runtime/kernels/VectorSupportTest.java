package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VectorSupportTest {
    @Test
    void describesThePathItReports() {
        if (VectorSupport.available()) {
            assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), VectorSupport.floatLanes());
            assertTrue(VectorSupport.describe().startsWith("Vector API, "), VectorSupport.describe());
            assertTrue(VectorSupport.describe().contains(VectorSupport.floatLanes() + " x f32"), VectorSupport.describe());
        } else {
            assertEquals(1, VectorSupport.floatLanes());
            assertTrue(VectorSupport.describe().startsWith("scalar ("), VectorSupport.describe());
        }
    }
}
