package dev.nnc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * Expected values come from synthetic_weights in /work/shared/reference_models.py, run
 * with Debian's /usr/bin/python3 (torch 1.13) on
 * <pre>
 * class M(nn.Module):
 *     def __init__(s):
 *         super().__init__()
 *         s.fc = nn.Linear(4, 3); s.bn = nn.BatchNorm1d(2); s.norm = nn.LayerNorm(5); s.conv = nn.Conv2d(1, 2, 2)
 * m = synthetic_weights(M(), seed=seed)
 * for k, v in m.state_dict().items(): print(k, [float(x).hex() for x in v.flatten().tolist()])
 * </pre>
 * and printed as Java hex float literals, which are exact.
 */
class SyntheticWeightsTest {
    private static void expect(String name, int[] shape, long seed, float... values) {
        Tensor t = seed == 0 ? SyntheticWeights.generate(name, shape) : SyntheticWeights.generate(name, shape, seed);
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(shape, t.shape());
        assertArrayEquals(values, t.floats(), name + " seed " + seed);
    }

    @Test
    void matchesPythonWithSeed0() {
        expect("fc.weight", new int[] {3, 4}, 0, -0x1.4164a8p-3f, 0x1.e0d198p-2f, 0x1.5d30a8p-2f, -0x1.14a4p-7f,
                0x1.666c9p-2f, -0x1.1cf788p-2f, -0x1.80ff64p-2f, 0x1.60926p-5f, 0x1.a41248p-3f, -0x1.ed43d8p-3f,
                0x1.b17bb4p-2f, -0x1.80cabp-2f);
        expect("fc.bias", new int[] {3}, 0, -0x1.8b199p-4f, 0x1.ea1566p-5f, 0x1.c1ca2p-5f);
        expect("bn.weight", new int[] {2}, 0, 0x1.dcd626p-1f, 0x1.ef5dbep-1f);
        expect("bn.bias", new int[] {2}, 0, -0x1.27630cp-5f, 0x1.71c3f4p-5f);
        expect("bn.running_mean", new int[] {2}, 0, 0x1.9818ccp-10f, 0x1.e3881ap-6f);
        expect("bn.running_var", new int[] {2}, 0, 0x1.6e8ecp-1f, 0x1.f217dep-1f);
        expect("norm.weight", new int[] {5}, 0, 0x1.113bdep+0f, 0x1.e8eab2p-1f, 0x1.d8d388p-1f, 0x1.f62bdep-1f,
                0x1.0906e8p+0f);
        expect("norm.bias", new int[] {5}, 0, 0x1.49ee26p-4f, -0x1.f81cb4p-5f, 0x1.03c0a6p-6f, -0x1.2e646p-5f,
                0x1.1ffa46p-4f);
        expect("conv.weight", new int[] {2, 1, 2, 2}, 0, -0x1.a6722p-4f, -0x1.7b7eacp-2f, 0x1.0d8d08p-3f,
                0x1.3b4b6p-2f, -0x1.4fe6ep-5f, 0x1.a1f278p-2f, -0x1.75432p-5f, -0x1.efbbb8p-2f);
        expect("conv.bias", new int[] {2}, 0, 0x1.6bff56p-4f, -0x1.1268ccp-8f);
    }

    @Test
    void matchesPythonWithSeed7() {
        expect("fc.weight", new int[] {3, 4}, 7, 0x1.08446p-2f, 0x1.4b464cp-2f, -0x1.6e53dp-2f, -0x1.18656p-3f,
                0x1.dcba48p-3f, 0x1.3274c4p-2f, -0x1.ab9dap-5f, 0x1.2ac6p-7f, -0x1.2f78c4p-2f, 0x1.6b7ap-6f,
                0x1.af3cbp-3f, -0x1.745f3p-3f);
        expect("fc.bias", new int[] {3}, 7, 0x1.8b6d4ap-4f, 0x1.f20e34p-7f, 0x1.dc8474p-6f);
        expect("bn.running_mean", new int[] {2}, 7, 0x1.5a58f6p-4f, 0x1.3f6p-12f);
        expect("bn.running_var", new int[] {2}, 7, 0x1.77849cp-1f, 0x1.2b36a8p-1f);
        expect("norm.weight", new int[] {5}, 7, 0x1.f7f8aap-1f, 0x1.f7df06p-1f, 0x1.103064p+0f, 0x1.01a9dp+0f,
                0x1.0f07acp+0f);
        expect("conv.weight", new int[] {2, 1, 2, 2}, 7, 0x1.ed6ccp-2f, -0x1.cbe6b8p-3f, -0x1.5b6a08p-3f,
                0x1.bed8fp-2f, 0x1.384a4p-4f, -0x1.5af3a8p-3f, -0x1.7a3418p-2f, -0x1.ccff9cp-2f);
    }

    /** Python: m = nn.Module(); m.add_module("é", nn.LayerNorm(2)); synthetic_weights(m, seed=3). */
    @Test
    void hashesNamesAsUtf8() {
        expect("\u00e9.weight", new int[] {2}, 3, 0x1.e366c4p-1f, 0x1.02b042p+0f);
        expect("\u00e9.bias", new int[] {2}, 3, -0x1.286e64p-4f, -0x1.4076ecp-5f);
    }

    /**
     * Larger tensors, checked by the sum of their float32 bit patterns as int32, computed in
     * Python as np.frombuffer(v.numpy().tobytes(), dtype=np.int32).astype(np.int64).sum()
     * for nn.Conv2d(3, 8, 3) as conv1 and nn.Embedding(50, 16) as emb, seed 12345.
     */
    @Test
    void matchesPythonOnLargerTensors() {
        assertEquals(-473968788L, bitSum(SyntheticWeights.generate("conv1.weight", new int[] {8, 3, 3, 3}, 12345)));
        assertEquals(-380402423L, bitSum(SyntheticWeights.generate("conv1.bias", new int[] {8}, 12345)));
        assertEquals(-81747817824L, bitSum(SyntheticWeights.generate("emb.weight", new int[] {50, 16}, 12345)));
    }

    @Test
    void seedAndNameChangeTheValues() {
        Tensor a = SyntheticWeights.generate("w", new int[] {4, 4});
        assertEquals(a, SyntheticWeights.generate("w", new int[] {4, 4}, 0));
        assertNotEquals(a, SyntheticWeights.generate("w", new int[] {4, 4}, 1));
        assertNotEquals(a, SyntheticWeights.generate("v", new int[] {4, 4}));
    }

    @Test
    void emptyTensorsAreEmpty() {
        assertEquals(0, SyntheticWeights.generate("x.weight", new int[] {0, 3}).size());
    }

    private static long bitSum(Tensor t) {
        long sum = 0;
        for (float f : t.floats()) {
            sum += Float.floatToRawIntBits(f);
        }
        return sum;
    }
}
