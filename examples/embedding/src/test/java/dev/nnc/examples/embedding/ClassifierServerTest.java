package dev.nnc.examples.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnc.runtime.Npy;
import dev.nnc.runtime.Tensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts the server on a free port and classifies the eight Fashion-MNIST test images over HTTP. */
class ClassifierServerTest {

    private static final Pattern PREDICTION =
            Pattern.compile("\\{\"index\":(\\d+),\"name\":\"([^\"]*)\",\"probability\":([0-9.Ee+-]+)}");
    private static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static ClassifierServer server;
    private static HttpClient client;
    private static float[][] images;
    private static long[] labels;

    @BeforeAll
    static void start() throws IOException {
        Path data = Path.of(System.getProperty("fashion.mnist.dir", "../fashion_mnist"));
        Tensor x = Npy.read(data.resolve("images.npy"));
        Tensor y = Npy.read(data.resolve("labels.npy"));
        assertEquals(List.of(8, 1, 28, 28), Arrays.stream(x.shape()).boxed().toList());
        float[] all = x.floats();
        images = new float[x.dim(0)][];
        for (int i = 0; i < images.length; i++) {
            images[i] = Arrays.copyOfRange(all, i * ClassifierServer.PIXELS, (i + 1) * ClassifierServer.PIXELS);
        }
        labels = y.longs();
        server = ClassifierServer.start(0);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"status\":\"ok\",\"model\":\"MnistCnn\""), r.body());
    }

    @Test
    void classifiesEachImageAsFloat32() throws Exception {
        for (int i = 0; i < images.length; i++) {
            HttpResponse<String> r = post(littleEndian(images[i]), "application/octet-stream");
            assertEquals(200, r.statusCode(), r.body());
            List<Prediction> p = predictions(r.body());
            assertEquals(1, p.size(), r.body());
            assertCorrect(i, p.get(0));
        }
    }

    @Test
    void classifiesAllImagesInOneJsonRequest() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < images.length; i++) {
            json.append(i == 0 ? "" : ",\n ").append(Arrays.toString(images[i]));
        }
        json.append("]");
        HttpResponse<String> r = post(json.toString().getBytes(), "application/json");
        assertEquals(200, r.statusCode(), r.body());
        List<Prediction> p = predictions(r.body());
        assertEquals(images.length, p.size(), r.body());
        for (int i = 0; i < images.length; i++) {
            assertCorrect(i, p.get(i));
        }
    }

    @Test
    void wrongLengthIsA400NamingTheInput() throws Exception {
        HttpResponse<String> r = post(littleEndian(new float[785]), "application/octet-stream");
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"error\":") && r.body().contains("image"), r.body());

        HttpResponse<String> json = post("[0.5, 0.25]".getBytes(), "application/json");
        assertEquals(400, json.statusCode(), json.body());
        assertTrue(json.body().contains("image"), json.body());
    }

    @Test
    void malformedBodiesAre400s() throws Exception {
        HttpResponse<String> odd = post(new byte[3137], "application/octet-stream");
        assertEquals(400, odd.statusCode(), odd.body());
        assertTrue(odd.body().contains("not a whole number of little-endian float32"), odd.body());

        HttpResponse<String> empty = post(new byte[0], "application/octet-stream");
        assertEquals(400, empty.statusCode(), empty.body());
        assertTrue(empty.body().contains("empty body"), empty.body());

        HttpResponse<String> notJson = post("{\"image\": 1}".getBytes(), "application/json");
        assertEquals(400, notJson.statusCode(), notJson.body());
        assertTrue(notJson.body().contains("JSON body"), notJson.body());

        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri("/classify")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode(), get.body());
    }

    // ---- helpers ----------------------------------------------------------------------

    private record Prediction(int index, String name, double probability) {}

    private static void assertCorrect(int i, Prediction p) {
        assertEquals(labels[i], p.index(), "image " + i + ": " + p);
        assertEquals(CLASS_NAMES.get(p.index()), p.name(), "image " + i);
        assertTrue(p.probability() > 0.1 && p.probability() <= 1.0, "image " + i + ": " + p);
    }

    private static List<Prediction> predictions(String body) {
        assertTrue(body.startsWith("{\"predictions\":["), body);
        List<Prediction> out = new ArrayList<>();
        Matcher m = PREDICTION.matcher(body);
        while (m.find()) {
            out.add(new Prediction(Integer.parseInt(m.group(1)), m.group(2), Double.parseDouble(m.group(3))));
        }
        return out;
    }

    private static HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        return client.send(HttpRequest.newBuilder(uri("/classify"))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + server.port() + path);
    }
}
