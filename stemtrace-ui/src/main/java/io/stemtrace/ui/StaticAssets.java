package io.stemtrace.ui;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Serves the packaged single-page app from the classpath.
 *
 * <p>Only files found under the static directory when the handler was built can be served: a
 * request path is looked up in that whitelist, never resolved against a file system, so {@code ..},
 * encoded dots, backslashes or overlong UTF-8 cannot reach anything else. Paths that carry such
 * sequences anyway are refused with 400. Any other GET that does not look like a file gets
 * index.html (client-side routing), with the mount prefix substituted for {@code
 * __STEMTRACE_BASE_PATH__}.
 */
final class StaticAssets {

  static final String DEFAULT_ROOT = "io/stemtrace/ui/static/";
  static final String BASE_PLACEHOLDER = "__STEMTRACE_BASE_PATH__";
  private static final long MAX_TOTAL_BYTES = 64L << 20;

  private static final Map<String, String> CONTENT_TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("map", "application/json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("wasm", "application/wasm"));

  /** One packaged file, with a gzip variant for text types. */
  private record Asset(byte[] bytes, byte[] gzipped, String contentType) {}

  private final Map<String, Asset> assets;
  private final String indexTemplate;

  private StaticAssets(Map<String, Asset> assets, String indexTemplate) {
    this.assets = assets;
    this.indexTemplate = indexTemplate;
  }

  /** Loads every file under {@code root} (a classpath directory ending in '/') into memory. */
  static StaticAssets load(ClassLoader loader, String root) {
    Map<String, byte[]> files = new HashMap<>();
    try {
      Enumeration<URL> urls = loader.getResources(root);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        if (url.getProtocol().equals("file")) {
          readDirectory(Path.of(url.toURI()), files);
        } else if (url.getProtocol().equals("jar")) {
          readJar(url, root, files);
        }
        if (!files.isEmpty()) break; // the first location wins, as in class loading
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the packaged UI under " + root, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot read the packaged UI under " + root, e);
    }
    Map<String, Asset> assets = new HashMap<>();
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      String type = contentType(file.getKey());
      byte[] gzipped = isText(type) && file.getValue().length > 1024 ? gzip(file.getValue()) : null;
      assets.put(file.getKey(), new Asset(file.getValue(), gzipped, type));
    }
    byte[] index = files.get("index.html");
    return new StaticAssets(
        Map.copyOf(assets), index == null ? null : new String(index, StandardCharsets.UTF_8));
  }

  boolean hasUi() {
    return indexTemplate != null;
  }

  int fileCount() {
    return assets.size();
  }

  /**
   * Answers a request for the UI.
   *
   * @param path the path under the mount prefix, starting with '/', URL-decoded
   * @param basePath the mount prefix without trailing slash ("" at the root)
   */
  void serve(HttpServerExchange exchange, String path, String basePath) {
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (!head && !exchange.getRequestMethod().equals(Methods.GET)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
      Responses.json(exchange, StatusCodes.METHOD_NOT_ALLOWED, ApiJson.error("Method Not Allowed"));
      return;
    }
    if (!isSafe(path) || hasEncodedTraversal(exchange.getRequestURI())) {
      Responses.json(exchange, StatusCodes.BAD_REQUEST, ApiJson.error("invalid path"));
      return;
    }
    String relative = path.startsWith("/") ? path.substring(1) : path;
    Asset asset = relative.isEmpty() || relative.equals("index.html") ? null : assets.get(relative);
    if (asset == null && !relative.isEmpty() && !relative.startsWith("assets/")) {
      // the hashed asset of a page opened at a deep link, if its relative URL was resolved below
      // the base
      int at = relative.lastIndexOf("/assets/");
      if (at >= 0) asset = assets.get(relative.substring(at + 1));
    }
    if (asset != null) {
      boolean hashed = relative.startsWith("assets/") || relative.contains("/assets/");
      send(exchange, asset, hashed ? "public, max-age=31536000, immutable" : "no-cache", head);
      return;
    }
    if (looksLikeFile(relative)) {
      Responses.json(exchange, StatusCodes.NOT_FOUND, ApiJson.error("Not Found"));
      return;
    }
    byte[] page;
    if (indexTemplate == null) {
      page = notBuiltPage(basePath);
    } else {
      RenderedIndex rendered = renderedIndex(basePath);
      // the Content-Security-Policy allows exactly these inline scripts (SecurityHeadersHandler)
      exchange.putAttachment(SecurityHeadersHandler.INLINE_SCRIPT_HASHES, rendered.scripts());
      page = rendered.bytes();
    }
    exchange.setStatusCode(StatusCodes.OK);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, page.length);
    if (head) {
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(page));
    }
  }

  private static void send(
      HttpServerExchange exchange, Asset asset, String cacheControl, boolean head) {
    boolean gzip = asset.gzipped() != null && acceptsGzip(exchange);
    byte[] body = gzip ? asset.gzipped() : asset.bytes();
    exchange.setStatusCode(StatusCodes.OK);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, asset.contentType());
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, cacheControl);
    exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    if (asset.gzipped() != null) exchange.getResponseHeaders().put(Headers.VARY, "Accept-Encoding");
    if (gzip) exchange.getResponseHeaders().put(Headers.CONTENT_ENCODING, "gzip");
    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
    if (head) {
      exchange.endExchange();
    } else {
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
  }

  /** index.html rendered for one mount prefix, with the CSP hashes of its inline scripts. */
  private record RenderedIndex(byte[] bytes, SecurityHeadersHandler.InlineScripts scripts) {}

  /**
   * Rendered pages by mount prefix; a handler is mounted at one or a few prefixes, so this stays
   * tiny.
   */
  private final Map<String, RenderedIndex> rendered =
      new java.util.concurrent.ConcurrentHashMap<>();

  private RenderedIndex renderedIndex(String basePath) {
    RenderedIndex page = rendered.get(basePath);
    if (page != null) return page;
    byte[] bytes = index(basePath);
    page =
        new RenderedIndex(
            bytes, SecurityHeadersHandler.inlineScripts(new String(bytes, StandardCharsets.UTF_8)));
    if (rendered.size() < 16) rendered.put(basePath, page);
    return page;
  }

  /** index.html for a mount prefix: the placeholder replaced, relative asset URLs made absolute. */
  byte[] index(String basePath) {
    String base = safeBase(basePath);
    String html =
        indexTemplate
            .replace(BASE_PLACEHOLDER, base)
            // assets are referenced relative to index.html; a deep link such as /workflows/x needs
            // them absolute
            .replace("src=\"./", "src=\"" + base + "/")
            .replace("href=\"./", "href=\"" + base + "/");
    return html.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] notBuiltPage(String basePath) {
    String base = safeBase(basePath);
    String html =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>stemtrace</title></head>"
            + "<body><h1>stemtrace</h1><p>The dashboard UI was not built into this jar. Build it with "
            + "<code>cd stemtrace-ui/frontend &amp;&amp; npm ci &amp;&amp; npm run build</code> and rebuild the module "
            + "without <code>-Dstemtrace.skipFrontend=true</code> (<code>./stemtrace demo</code> does both).</p>"
            + "<p>The API works: <a href=\""
            + base
            + "/api/health\">"
            + base
            + "/api/health</a>.</p></body></html>";
    return html.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The mount prefix reduced to characters that mean the same in a URL path, an HTML attribute and
   * a JavaScript string; anything else is percent-encoded, so nothing in it can break out of either
   * context.
   */
  static String safeBase(String basePath) {
    if (basePath == null || basePath.equals("/")) return "";
    StringBuilder out = new StringBuilder();
    for (byte b : basePath.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '/'
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    String base = out.toString();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return base;
  }

  /** False for paths that only an attack or a broken client sends. */
  static boolean isSafe(String path) {
    if (path == null) return true;
    if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0 || path.indexOf('\uFFFD') >= 0)
      return false;
    if (path.contains("//") || hasEncodedTraversal(path)) return false;
    for (String segment : path.split("/")) {
      if (segment.equals("..") || segment.equals(".")) return false;
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) return false;
    }
    return true;
  }

  /**
   * Encoded dots, slashes, backslashes, NUL and overlong UTF-8 lead bytes: never needed by the UI.
   */
  static boolean hasEncodedTraversal(String raw) {
    if (raw == null) return false;
    String lower = raw.toLowerCase(Locale.ROOT);
    return lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || lower.contains("%c0")
        || lower.contains("%c1")
        || lower.contains("%25");
  }

  private static boolean looksLikeFile(String relative) {
    if (relative.startsWith("assets/")) return true;
    String last = relative.substring(relative.lastIndexOf('/') + 1);
    return last.indexOf('.') > 0;
  }

  private static boolean acceptsGzip(HttpServerExchange exchange) {
    for (String value :
        exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING) == null
            ? java.util.List.<String>of()
            : exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING)) {
      if (value.toLowerCase(Locale.ROOT).contains("gzip")) return true;
    }
    return false;
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
  }

  private static boolean isText(String contentType) {
    return contentType.startsWith("text/")
        || contentType.startsWith("application/json")
        || contentType.startsWith("image/svg");
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void readDirectory(Path dir, Map<String, byte[]> files) throws IOException {
    long[] total = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        String relative =
            dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        byte[] bytes = Files.readAllBytes(file);
        total[0] += bytes.length;
        if (total[0] > MAX_TOTAL_BYTES)
          throw new IOException("packaged UI larger than " + MAX_TOTAL_BYTES + " bytes");
        files.put(relative, bytes);
      }
    }
  }

  private static void readJar(URL url, String root, Map<String, byte[]> files) throws IOException {
    JarURLConnection connection = (JarURLConnection) url.openConnection();
    connection.setUseCaches(false);
    long total = 0;
    try (JarFile jar = connection.getJarFile()) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (entry.isDirectory() || !entry.getName().startsWith(root)) continue;
        try (InputStream in = jar.getInputStream(entry)) {
          byte[] bytes = in.readAllBytes();
          total += bytes.length;
          if (total > MAX_TOTAL_BYTES)
            throw new IOException("packaged UI larger than " + MAX_TOTAL_BYTES + " bytes");
          files.put(entry.getName().substring(root.length()), bytes);
        }
      }
    }
  }
}
