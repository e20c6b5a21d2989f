package dev.nnc.ir.interp;

import static dev.nnc.ir.interp.InterpTesting.assertClose;
import static dev.nnc.ir.interp.InterpTesting.det;
import static dev.nnc.ir.interp.InterpTesting.f32;
import static dev.nnc.ir.interp.InterpTesting.i64;
import static dev.nnc.ir.interp.InterpTesting.run1;
import static dev.nnc.ir.interp.InterpTesting.shape;
import static dev.nnc.ir.interp.InterpTesting.typeOf;

import dev.nnc.ir.Attrs;
import dev.nnc.ir.GraphBuilder;
import dev.nnc.ir.Op;
import dev.nnc.ir.Value;
import dev.nnc.runtime.DType;
import dev.nnc.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The interpreter against PyTorch 1.13 (Debian's python3-torch). Inputs are the
 * deterministic tensors of {@link InterpTesting#det}; the references were computed in
 * float64 from those float32 inputs, with the snippet quoted at each test, and printed with
 * {@code "%.10g"}. The interpreter's float32 results must match to 1e-6 relative, plus 1e-7
 * absolute for results that are near zero through cancellation. Common prelude:
 * <pre>
 * import numpy as np, torch
 * import torch.nn.functional as F
 * def det(shape, seed): ...   # as in InterpTesting.det
 * </pre>
 */
class TorchReferenceTest {
    private static final double RTOL = 1e-6, ATOL = 1e-7;

    /**
     * <pre>
     * x = det([2,4,7,7], 1); w = det([6,2,3,3], 2); b = det([6], 3)
     * F.conv2d(x.double(), w.double(), b.double(), stride=2, padding=1, dilation=2, groups=2)
     * </pre>
     */
    @Test
    void conv2dStride2Padding1Dilation2Groups2WithBias() {
        Tensor y = run1(Op.CONV2D, Attrs.of("stride", List.of(2L, 2L), "padding", List.of(1L, 1L, 1L, 1L),
                        "dilation", List.of(2L, 2L), "groups", 2L),
                det(shape(2, 4, 7, 7), 1), det(shape(6, 2, 3, 3), 2), det(shape(6), 3));
        assertClose(y, shape(2, 6, 3, 3), RTOL, ATOL,
        0.7188520155, -1.198314623, -1.376664182, -0.985212428, -1.127046678, -1.357839715,
        -1.692928159, -0.3087025362, -0.04129529111, -0.7826225972, 1.597193573, 0.831959479,
        0.9850155259, -0.03419557113, 0.6134863709, 1.021746649, 0.2150556034, 0.08704390592,
        0.2057754186, 0.7529078281, 0.05445821971, 0.09155789873, 0.9333236761, -0.9755558772,
        1.405892826, 1.263377235, -0.5074741904, 2.037852569, 0.4581602054, 1.568371622,
        -0.4827748289, 3.299065077, 1.251436072, 1.187439705, 1.73305173, 0.05613317862,
        -0.4852603648, -1.491126975, 0.290364444, -2.048961247, -2.108242788, -0.07093219783,
        0.9790165154, 0.8271883634, 0.7790862827, -0.4555470661, 1.010656574, 1.230986505,
        0.3526729112, 1.081508368, -0.7718783336, 1.07454378, -1.367848091, 0.8166634328,
        -0.1119541521, -1.177967194, 0.05207089676, -0.5951140977, -0.2419179952, 0.1522411379,
        -1.086889194, -3.088941464, -1.175434321, -0.4510246704, -0.03235959806, 0.5156336994,
        -0.262528509, 2.527163596, 1.123201613, 1.736544209, -0.03696579468, 1.399672069,
        0.2595076339, 0.9812437964, 0.4271348504, 0.7353974149, -1.267571688, 1.028922689,
        1.103494266, -0.4944054289, 1.795273386, 1.86323333, 0.5098744824, 0.3612173082,
        -0.3572377192, 0.7259746059, 1.380568897, 1.519351265, 2.299726909, 0.1255692248,
        1.944527304, 0.9054274216, 0.9172110271, -1.21442372, 0.02502010916, -0.6606123467,
        0.571926713, -0.4645160776, 0.6854857893, 1.556624431, 0.2412290148, 1.940300481,
        -0.6927793452, 3.493926096, 0.1761888539, 1.822855124, -1.173104267, 1.745691739
        );
    }

    /**
     * Padding [top=0, left=1, bottom=2, right=0] and stride [1, 2], no bias; PyTorch pads
     * symmetrically only, so the reference pads first:
     * <pre>
     * x = det([1,2,4,5], 4); w = det([3,2,2,3], 5)
     * F.conv2d(F.pad(x.double(), (1,0,0,2)), w.double(), None, stride=(1,2))
     * </pre>
     */
    @Test
    void conv2dAsymmetricPaddingAndStride() {
        Tensor y = run1(Op.CONV2D, Attrs.of("stride", List.of(1L, 2L), "padding", List.of(0L, 1L, 2L, 0L)),
                det(shape(1, 2, 4, 5), 4), det(shape(3, 2, 2, 3), 5));
        assertClose(y, shape(1, 3, 5, 2), RTOL, ATOL,
        1.588373312, -0.1223023138, 0.1877229398, -0.05517933448, -0.6066516836, 0.6931723843,
        0.114717111, 0.3371119235, 0, 0, -0.09531183902, 0.4452931103,
        -0.7424704655, 0.08364041224, 0.546873134, 0.3519244202, 1.168572175, 0.1833973786,
        0, 0, 0.01657974262, 0.1899840531, 1.312361937, -0.1809507305,
        1.196120456, -0.8176985513, 0.3758924382, -0.350393058, 0, 0
        );
    }

    /**
     * <pre>
     * x = det([1,2,5,5], 6)
     * F.avg_pool2d(x.double(), 3, stride=2, padding=1, count_include_pad=False)
     * </pre>
     */
    @Test
    void avgPoolExcludingPadding() {
        Tensor y = run1(Op.AVG_POOL2D, Attrs.of("kernel", List.of(3L, 3L), "stride", List.of(2L, 2L),
                "padding", List.of(1L, 1L, 1L, 1L), "count_include_pad", false), det(shape(1, 2, 5, 5), 6));
        assertClose(y, shape(1, 2, 3, 3), RTOL, ATOL,
        -0.2481278032, -0.1211516056, -0.03245132416, 0.342153435, 0.1968713606, 0.1431186572,
        -0.1732401475, 0.2236645023, -0.2830753922, 0.3295057341, 0.2421367901, 0.2910634018,
        0.05741387606, -0.01059522149, -0.153103672, -0.09935098514, 0.1387918095, 0.08462306857
        );
    }

    /** <pre>F.avg_pool2d(x.double(), 3, stride=2, padding=1, count_include_pad=True)</pre> */
    @Test
    void avgPoolIncludingPadding() {
        Tensor y = run1(Op.AVG_POOL2D, Attrs.of("kernel", List.of(3L, 3L), "stride", List.of(2L, 2L),
                "padding", List.of(1L, 1L, 1L, 1L)), det(shape(1, 2, 5, 5), 6));
        assertClose(y, shape(1, 2, 3, 3), RTOL, ATOL,
        -0.1102790236, -0.08076773708, -0.01442281074, 0.22810229, 0.1968713606, 0.09541243811,
        -0.07699562112, 0.1491096682, -0.1258112854, 0.146446993, 0.1614245267, 0.1293615119,
        0.03827591737, -0.01059522149, -0.1020691146, -0.0441559934, 0.09252787299, 0.0376102527
        );
    }

    /** <pre>F.max_pool2d(x.double(), 3, stride=2, padding=1)</pre> */
    @Test
    void maxPoolWithPadding() {
        Tensor y = run1(Op.MAX_POOL2D, Attrs.of("kernel", List.of(3L, 3L), "stride", List.of(2L, 2L),
                "padding", List.of(1L, 1L, 1L, 1L)), det(shape(1, 2, 5, 5), 6));
        assertClose(y, shape(1, 2, 3, 3), RTOL, ATOL,
        0.8022965789, 0.6555167437, 0.3020469248, 0.8642036915, 0.8642036915, 0.83824265,
        0.8642036915, 0.8642036915, 0.6325511932, 0.9480778575, 0.9480778575, 0.9580628872,
        0.9480778575, 0.9480778575, 0.7363954186, 0.7214178443, 0.7214178443, 0.7863205075
        );
    }

    /**
     * <pre>
     * x = det([2,3,4], 7); g = det([4], 8); bb = det([4], 9)
     * F.layer_norm(x.double(), [4], g.double(), bb.double(), eps=1e-5)
     * </pre>
     */
    @Test
    void layerNormOverTheLastDim() {
        Tensor y = run1(Op.LAYER_NORM, Attrs.NONE, det(shape(2, 3, 4), 7), det(shape(4), 8), det(shape(4), 9));
        assertClose(y, shape(2, 3, 4), RTOL, ATOL,
        -0.4348249862, -0.01498096628, 1.003199658, 0.7594500814, -0.5345904469, -0.2628328424,
        0.4532099269, 1.093278111, -0.4675840418, -0.4459798201, 1.139847093, 0.9396315803,
        -0.4606711422, -0.4505415626, 1.321679943, 0.6908030023, -0.6369997653, -0.622404394,
        1.223864183, -0.8433017198, -0.6346001809, -0.3800285811, 1.221827051, -1.268776406
        );
    }

    /**
     * <pre>
     * g2 = det([3,4], 10); b2 = det([3,4], 11)
     * F.layer_norm(x.double(), [3,4], g2.double(), b2.double(), eps=1e-3)
     * </pre>
     */
    @Test
    void layerNormOverTheLastTwoDims() {
        Tensor y = run1(Op.LAYER_NORM, Attrs.of("axis", 1L, "eps", 1e-3),
                det(shape(2, 3, 4), 7), det(shape(3, 4), 10), det(shape(3, 4), 11));
        assertClose(y, shape(2, 3, 4), RTOL, ATOL,
        1.298421254, 0.01906806845, -0.1040225516, 0.03339904997, -0.2013308814, -0.4745653651,
        -0.03882718542, 2.568515258, -0.2367415551, 0.9367952676, -0.8693127688, 0.8840142693,
        0.3127255035, 0.1327936396, -0.577045196, 0.4552141773, 0.3905614189, 0.07083290062,
        0.3055139695, -0.4937440299, 0.3922965676, 0.998415837, -0.8580057227, 0.4297612339
        );
    }

    /** Five times det so that the lanes are far from uniform. */
    private static Tensor softmaxInput() {
        Tensor x = det(shape(2, 3, 4), 12);
        float[] v = x.floats().clone();
        for (int i = 0; i < v.length; i++) v[i] *= 5;
        return Tensor.ofFloats(DType.F32, x.shape(), v);
    }

    /** <pre>x = det([2,3,4], 12) * 5; torch.softmax(x.double(), 1)</pre> */
    @Test
    void softmaxAlongAMiddleAxis() {
        Tensor y = run1(Op.SOFTMAX, Attrs.of("axis", 1L), softmaxInput());
        assertClose(y, shape(2, 3, 4), RTOL, ATOL,
        0.006360578091, 0.02702827757, 0.6695945846, 0.5957482615, 0.1707472169, 0.1468402302,
        0.1581963309, 0.4035913813, 0.822892205, 0.8261314923, 0.1722090845, 0.0006603572348,
        0.3490150087, 0.2916710788, 0.9289282815, 0.02828810204, 0.4282931479, 0.07279946204,
        0.02367775108, 0.5354086114, 0.2226918434, 0.6355294591, 0.04739396743, 0.4363032865
        );
    }

    /** <pre>torch.log_softmax(x.double(), -1)</pre> */
    @Test
    void logSoftmaxAlongTheLastAxis() {
        Tensor y = run1(Op.LOG_SOFTMAX, softmaxInput());
        assertClose(y, shape(2, 3, 4), RTOL, ATOL,
        -7.144210184, -8.022892321, -1.028384054, -0.444260443, -3.24147916, -5.717764737,
        -1.858553531, -0.221009614, -0.6959186886, -3.017436454, -0.8007615899, -5.663467417,
        -5.412823645, -3.705384759, -0.04088166101, -4.509179113, -3.799249503, -3.684421736,
        -2.301496181, -0.1597090099, -4.571811044, -1.636214459, -1.726079666, -0.4829442139
        );
    }

    /** <pre>a = det([2,1,3,4], 13); m = det([3,4,5], 14); torch.matmul(a.double(), m.double())</pre> */
    @Test
    void matmulBroadcastsBatchDims() {
        Tensor y = run1(Op.MATMUL, det(shape(2, 1, 3, 4), 13), det(shape(3, 4, 5), 14));
        assertClose(y, shape(2, 3, 3, 5), RTOL, ATOL,
        0.01959368564, -1.280680073, 0.6255399849, 0.3176085084, -1.586125514, 0.05665986627,
        -0.2561933656, -0.4377282469, 0.5628098019, -1.373492409, 0.02858619666, -0.7963994712,
        -0.3604463478, 0.3335461233, -0.281859772, -0.002168965956, 0.03972722153, 0.05596049456,
        -0.5935759461, -0.1139608306, 0.07061898155, -0.1067315652, -0.06648340144, -0.02035144386,
        -0.2835023516, 0.8069603202, 0.7974628016, 1.077053425, 0.7928910268, 0.7173179348,
        -1.53453248, 0.5340481742, 0.100023208, 1.084759256, 1.239167195, -1.134781125,
        -0.0663358251, 0.2373922811, 2.361690131, 1.370318993, 0.3292714483, 1.02599571,
        -0.4651225864, 0.8071053609, 1.073551904, 0.3598182337, -0.201860951, -0.413019997,
        0.6664710437, 0.3550206194, 0.2737207268, -0.4171675808, -0.2262557096, 0.4162093877,
        0.7237974251, -0.2590163714, 0.2446689224, 0.2397108297, -0.4442088421, -0.3928465569,
        0.6246910152, 0.3067355975, 0.3485640246, 0.5821881205, 0.8323879309, 0.7708801301,
        0.5975644716, 0.7184794772, 0.7391957432, 1.061540962, -0.5311393797, -0.3279474097,
        -0.3816053223, -0.4874729806, -0.729324854, 0.1596153158, 0.6844147061, -0.08941804821,
        -0.515087583, -0.2459999611, 0.6892671612, 0.9961667752, -0.3510585503, -1.143087173,
        -0.3575231181, -0.2744390795, -0.6446136923, 0.1494562938, 0.6448754235, 0.2455617798
        );
    }

    /**
     * <pre>
     * x = det([2,3,2,2], 15); g = det([3], 16); bb = det([3], 17); mu = det([3], 18)
     * var = det([3], 19).abs() + 0.5
     * F.batch_norm(x.double(), mu.double(), var.double(), g.double(), bb.double(), training=False, eps=1e-5)
     * </pre>
     */
    @Test
    void batchNormInference() {
        Tensor v = det(shape(3), 19);
        float[] var = v.floats().clone();
        for (int i = 0; i < var.length; i++) var[i] = Math.abs(var[i]) + 0.5f;
        Tensor y = run1(Op.BATCH_NORM, Attrs.NONE, det(shape(2, 3, 2, 2), 15), det(shape(3), 16), det(shape(3), 17),
                det(shape(3), 18), Tensor.ofFloats(DType.F32, shape(3), var));
        assertClose(y, shape(2, 3, 2, 2), RTOL, ATOL,
        0.6542994481, 0.6433224205, 0.7389793686, -0.048230248, 0.5101144147, 0.933629808,
        0.4405703919, 0.1069152788, 0.4999206982, 1.034401583, 1.047060359, 0.9101582265,
        1.121607161, 1.213343728, 0.178366927, 0.5900054326, 0.8578345986, 0.2600684447,
        0.9930156963, 0.3975937316, 1.004395656, 0.6232263811, 0.8098258504, 0.6654222434
        );
    }

    /**
     * <pre>
     * pts = [-6.0, -3.5, -1.0, -0.5, -0.1, 0.0, 0.3, 0.7, 1.5, 2.5, 5.0]
     * F.gelu(torch.tensor(pts, dtype=torch.float64))          # and approximate='tanh'
     * </pre>
     */
    @Test
    void geluBothModes() {
        Tensor x = f32(shape(11), -6.0, -3.5, -1.0, -0.5, -0.1, 0.0, 0.3, 0.7, 1.5, 2.5, 5.0);
        assertClose(run1(Op.GELU, x), shape(11), RTOL, 0,
        -5.919525869e-09, -0.0008142017766, -0.1586552539, -0.1542687694, -0.04601721627, 0,
        0.1853734267, 0.5306254434, 1.399789198, 2.484475837, 4.999998567
        );
        assertClose(run1(Op.GELU, Attrs.of("approximate", "tanh"), x), shape(11), RTOL, 0,
        -8.43964898e-11, -0.0006161976554, -0.1588080094, -0.1542859902, -0.04601724895, 0,
        0.1853709235, 0.5305701347, 1.399571577, 2.484915734, 4.999999771
        );
    }

    /**
     * Negative indices count from the end:
     * <pre>
     * x = det([3,4], 20); idx = torch.tensor([[-1, 0], [2, -3]])
     * torch.index_select(x.double(), 1, (idx % 4).flatten()).reshape(3,2,2)
     * </pre>
     */
    @Test
    void gatherWithNegativeIndices() {
        Tensor y = run1(Op.GATHER, Attrs.of("axis", 1L), det(shape(3, 4), 20), i64(shape(2, 2), -1, 0, 2, -3));
        assertClose(y, shape(3, 2, 2), RTOL, 0,
        -0.5536695123, 0.7094358206, 0.7134298682, 0.1482775807, 0.2670993507, -0.1452820748,
        -0.08637044579, -0.9740389585, 0.3659510612, 0.04143784195, -0.1972041875, -0.3589615524
        );
    }

    /**
     * A two-layer MLP with parameters, two outputs:
     * <pre>
     * x = det([2,4], 60).double(); w1 = det([4,3], 61).double(); b1 = det([3], 62).double()
     * w2 = det([3,2], 63).double(); b2 = det([2], 64).double()
     * h = torch.relu(x @ w1 + b1); torch.softmax(h @ w2 + b2, -1)
     * </pre>
     */
    @Test
    void mlpWithParameters() {
        Map<String, Tensor> weights = Map.of("fc1.weight", det(shape(4, 3), 61), "fc1.bias", det(shape(3), 62),
                "fc2.weight", det(shape(3, 2), 63), "fc2.bias", det(shape(2), 64));
        GraphBuilder b = new GraphBuilder("mlp");
        Value x = b.input("x", typeOf(det(shape(2, 4), 60)));
        Value w1 = b.param("fc1.weight", typeOf(weights.get("fc1.weight")), "glorot_uniform");
        Value b1 = b.param("fc1.bias", typeOf(weights.get("fc1.bias")), "zeros");
        Value w2 = b.param("fc2.weight", typeOf(weights.get("fc2.weight")), "glorot_uniform");
        Value b2 = b.param("fc2.bias", typeOf(weights.get("fc2.bias")), "zeros");
        Value h = b.add(Op.RELU, b.add(Op.ADD, b.add(Op.MATMUL, x, w1), b1));
        Value probs = b.add(Op.SOFTMAX, b.add(Op.ADD, b.add(Op.MATMUL, h, w2), b2));
        b.output("probs", probs);
        b.output("hidden", h);
        Map<String, Tensor> out = Interpreter.run(b.build(), Map.of("x", det(shape(2, 4), 60)), weights);
        org.junit.jupiter.api.Assertions.assertEquals(List.of("probs", "hidden"), List.copyOf(out.keySet()));
        assertClose(out.get("hidden"), shape(2, 3), RTOL, ATOL,
        0.9995752431, 0.2303481828, 1.135464305, 0.4683790245, 1.713996938, 0.6963137639
        );
        assertClose(out.get("probs"), shape(2, 2), RTOL, ATOL,
        0.5730365168, 0.4269634832, 0.2619688511, 0.7380311489
        );
    }
}
