package dev.nnc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScalarMathTest {
    /** The scalar tails of generated loops must agree with the vector path and the interpreter, NaN included. */
    @Test
    void reluKeepsNaNLikeTheVectorPath() {
        assertTrue(Float.isNaN(ScalarMath.relu(Float.NaN)));
        assertTrue(Float.isNaN(VectorMath.relu(jdk.incubator.vector.FloatVector.broadcast(
                jdk.incubator.vector.FloatVector.SPECIES_128, Float.NaN)).lane(0)));
        assertEquals(0f, ScalarMath.relu(-3f));
        assertEquals(2.5f, ScalarMath.relu(2.5f));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(ScalarMath.relu(-0f)));
    }
}
