package io.stemtrace.ui.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemtrace.testing.MutableClock;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormAuthTest {

  static final byte[] SECRET = "a shared secret of enough length".getBytes(StandardCharsets.UTF_8);
  static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  MutableClock clock = new MutableClock(Instant.parse("2026-11-26T04:00:00Z"));
  AuthServer server;

  @BeforeEach
  void start() {
    server =
        new AuthServer(
            Authentication.form("admin", "pa ss&word", SECRET, Duration.ofHours(8), clock),
            "/dash");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The login form's CSRF token and the cookie that goes with it. */
  record LoginForm(String token, String cookie) {}

  LoginForm loginForm(String path) {
    HttpResponse<String> page = server.get(path);
    assertThat(page.statusCode()).isEqualTo(200);
    Matcher matcher = CSRF_FIELD.matcher(page.body());
    assertThat(matcher.find()).as("csrf field in " + page.body()).isTrue();
    return new LoginForm(matcher.group(1), cookie(page, FormAuthHandler.CSRF_COOKIE));
  }

  static String cookie(HttpResponse<?> response, String name) {
    for (String header : response.headers().allValues("Set-Cookie")) {
      if (header.startsWith(name + "="))
        return header.substring(name.length() + 1, header.indexOf(';'));
    }
    return null;
  }

  static String setCookieHeader(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(h -> h.startsWith(name + "="))
        .findFirst()
        .orElse(null);
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    HttpRequest.Builder builder =
        server
            .request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) builder.headers(headers);
    return server.send(builder.build());
  }

  static String form(String... pairs) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (out.length() > 0) out.append('&');
      out.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  /** Logs in and returns the session cookie value. */
  String login() {
    HttpResponse<String> response = loginWith("admin", "pa ss&word", "/dash/graphs");
    assertThat(response.statusCode()).isEqualTo(303);
    String session = cookie(response, FormAuthHandler.SESSION_COOKIE);
    assertThat(session).isNotBlank();
    return session;
  }

  HttpResponse<String> loginWith(String user, String password, String next) {
    LoginForm form = loginForm("/login");
    return post(
        "/login",
        form("csrf", form.token(), "next", next, "username", user, "password", password),
        "Cookie",
        FormAuthHandler.CSRF_COOKIE + "=" + form.cookie());
  }

  static String sessionHeader(String session) {
    return FormAuthHandler.SESSION_COOKIE + "=" + session;
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/graphs/abc", "/assets/index-1.js", "/tasks?state=FAILURE"})
  void navigation_withoutSession_redirectsToLoginWithNext(String path) {
    HttpResponse<String> response = server.get(path);
    assertThat(response.statusCode()).isEqualTo(302);
    String location = response.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/dash/login?next=");
    assertThat(
            URLDecoder.decode(
                location.substring("/dash/login?next=".length()), StandardCharsets.UTF_8))
        .isEqualTo("/dash" + path);
    assertThat(response.body()).doesNotContain("ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/tasks", "/api/health", "/api"})
  void api_withoutSession_is401(String path) {
    HttpResponse<String> response = server.get(path);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).isEqualTo("{\"detail\":\"authentication required\"}");
  }

  @Test
  void apiWrite_withoutSession_is401() {
    HttpRequest post =
        server.request("/api/import").POST(HttpRequest.BodyPublishers.ofString("[]")).build();
    assertThat(server.send(post).statusCode()).isEqualTo(401);
  }

  @Test
  void websocket_withoutSession_isRefused() {
    assertThat(server.websocket()).isEqualTo("refused 401");
  }

  @Test
  void login_thenEveryRoute_isServed() {
    String session = login();
    for (String path : List.of("/", "/graphs/abc", "/assets/index-1.js", "/api/tasks")) {
      HttpResponse<String> response = server.get(path, "Cookie", sessionHeader(session));
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok GET " + path);
    }
    HttpRequest post =
        server
            .request("/api/import")
            .header("Cookie", sessionHeader(session))
            .POST(HttpRequest.BodyPublishers.ofString("[]"))
            .build();
    assertThat(server.send(post).body()).isEqualTo("ok POST /api/import");
    assertThat(server.websocket("Cookie", sessionHeader(session))).isEqualTo("hello");
  }

  @Test
  void loginPage_keepsAValidCsrfCookie_soASecondLoadDoesNotBreakTheFirstForm() {
    LoginForm first = loginForm("/login");
    HttpResponse<String> again =
        server.get(
            "/login?next=%2Fdash%2Ffavicon.ico",
            "Cookie", FormAuthHandler.CSRF_COOKIE + "=" + first.cookie());
    assertThat(setCookieHeader(again, FormAuthHandler.CSRF_COOKIE)).isNull();
    assertThat(again.body()).contains(first.token());
    clock.advance(FormAuthHandler.CSRF_TTL.dividedBy(2).plusSeconds(1));
    HttpResponse<String> later =
        server.get("/login", "Cookie", FormAuthHandler.CSRF_COOKIE + "=" + first.cookie());
    assertThat(cookie(later, FormAuthHandler.CSRF_COOKIE))
        .as("renewed past half its life")
        .isNotEqualTo(first.cookie());
  }

  @Test
  void subresource_withoutSession_is401NotALoginPage() {
    HttpResponse<String> script = server.get("/assets/index-1.js", "Sec-Fetch-Mode", "no-cors");
    assertThat(script.statusCode()).isEqualTo(401);
    assertThat(server.get("/graphs", "Sec-Fetch-Mode", "navigate").statusCode()).isEqualTo(302);
  }

  @Test
  void login_setsAHardenedSessionCookie_andRedirectsToNext() {
    HttpResponse<String> response = loginWith("admin", "pa ss&word", "/dash/graph/r1?x=1");
    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).contains("/dash/graph/r1?x=1");
    String header = setCookieHeader(response, FormAuthHandler.SESSION_COOKIE);
    assertThat(header)
        .contains("; Path=/dash;")
        .contains("HttpOnly")
        .contains("SameSite=Lax")
        .contains("Max-Age=28800")
        .doesNotContain("Secure");
    String value = cookie(response, FormAuthHandler.SESSION_COOKIE);
    String payload =
        new String(
            Base64.getUrlDecoder().decode(value.substring(0, value.indexOf('.'))),
            StandardCharsets.UTF_8);
    // user | issued at (ms) | random session id | expiry (s)
    assertThat(payload)
        .matches(
            "admin\\|"
                + clock.instant().toEpochMilli()
                + "\\|[A-Za-z0-9_-]{22}\\|"
                + clock.instant().plus(Duration.ofHours(8)).getEpochSecond());
  }

  @Test
  void login_behindTlsProxy_marksCookiesSecure() {
    LoginForm form = loginForm("/login");
    HttpResponse<String> response =
        post(
            "/login",
            form("csrf", form.token(), "username", "admin", "password", "pa ss&word"),
            "Cookie",
            FormAuthHandler.CSRF_COOKIE + "=" + form.cookie(),
            "X-Forwarded-Proto",
            "https");
    assertThat(setCookieHeader(response, FormAuthHandler.SESSION_COOKIE)).endsWith("; Secure");
  }

  @Test
  void login_wrongPassword_is401WithForm_andNoSession() {
    for (String[] attempt :
        new String[][] {{"admin", "pa ss&wor"}, {"admin", ""}, {"Admin", "pa ss&word"}, {"", ""}}) {
      HttpResponse<String> response = loginWith(attempt[0], attempt[1], "/dash/");
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("Wrong user or password").contains("name=\"csrf\"");
      assertThat(cookie(response, FormAuthHandler.SESSION_COOKIE)).isNull();
    }
  }

  @Test
  void login_repeatedWrongPasswords_areThrottled_untilTheDelayHasPassed() {
    for (int i = 1; i <= FailedLoginThrottle.FREE_FAILURES + 1; i++) {
      assertThat(loginWith("admin", "guess " + i, "/dash/").statusCode())
          .as("attempt " + i)
          .isEqualTo(401);
    }
    // even the right password is not checked while the address waits
    HttpResponse<String> refused = loginWith("admin", "pa ss&word", "/dash/");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("1");
    assertThat(refused.body())
        .contains("Too many failed sign-ins. Try again in 1 s.")
        .contains("name=\"csrf\"");
    assertThat(cookie(refused, FormAuthHandler.SESSION_COOKIE)).isNull();

    clock.advance(Duration.ofSeconds(1));
    assertThat(loginWith("admin", "guess 7", "/dash/").statusCode()).isEqualTo(401);
    clock.advance(Duration.ofSeconds(1));
    assertThat(loginWith("admin", "pa ss&word", "/dash/").statusCode())
        .as("the delay doubled")
        .isEqualTo(429);
    clock.advance(Duration.ofSeconds(1));
    login();
    // a success starts afresh
    assertThat(loginWith("admin", "guess", "/dash/").statusCode()).isEqualTo(401);
    login();
  }

  @Test
  void login_withoutCsrf_isRefused() {
    HttpResponse<String> response =
        post("/login", form("username", "admin", "password", "pa ss&word"));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(cookie(response, FormAuthHandler.SESSION_COOKIE)).isNull();
  }

  @Test
  void login_csrfFieldWithoutMatchingCookie_isRefused() {
    LoginForm form = loginForm("/login");
    LoginForm other = loginForm("/login");
    HttpResponse<String> noCookie =
        post("/login", form("csrf", form.token(), "username", "admin", "password", "pa ss&word"));
    assertThat(noCookie.statusCode()).isEqualTo(403);
    HttpResponse<String> otherCookie =
        post(
            "/login",
            form("csrf", form.token(), "username", "admin", "password", "pa ss&word"),
            "Cookie",
            FormAuthHandler.CSRF_COOKIE + "=" + other.cookie());
    assertThat(otherCookie.statusCode()).isEqualTo(403);
  }

  @Test
  void login_unsignedDoubleSubmit_isRefused() {
    // an attacker able to plant a cookie still cannot make a token we signed
    HttpResponse<String> response =
        post(
            "/login",
            form("csrf", "planted.token", "username", "admin", "password", "pa ss&word"),
            "Cookie",
            FormAuthHandler.CSRF_COOKIE + "=planted.token");
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void login_fromAnotherOrigin_isRefused() {
    LoginForm form = loginForm("/login");
    String body = form("csrf", form.token(), "username", "admin", "password", "pa ss&word");
    String cookie = FormAuthHandler.CSRF_COOKIE + "=" + form.cookie();
    assertThat(
            post("/login", body, "Cookie", cookie, "Origin", "https://evil.example").statusCode())
        .isEqualTo(403);
    assertThat(post("/login", body, "Cookie", cookie, "Sec-Fetch-Site", "cross-site").statusCode())
        .isEqualTo(403);
    String sameOrigin = server.base.substring(0, server.base.indexOf("/dash"));
    assertThat(post("/login", body, "Cookie", cookie, "Origin", sameOrigin).statusCode())
        .isEqualTo(303);
  }

  @Test
  void login_expiredCsrfToken_isRefused() {
    LoginForm form = loginForm("/login");
    clock.advance(FormAuthHandler.CSRF_TTL.plusSeconds(1));
    HttpResponse<String> response =
        post(
            "/login",
            form("csrf", form.token(), "username", "admin", "password", "pa ss&word"),
            "Cookie",
            FormAuthHandler.CSRF_COOKIE + "=" + form.cookie());
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void login_nonFormBody_is415_andHugeForm_is413() {
    HttpRequest json =
        server
            .request("/login")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    assertThat(server.send(json).statusCode()).isEqualTo(415);
    assertThat(post("/login", "a=" + "x".repeat(FormAuthHandler.MAX_FORM_BYTES)).statusCode())
        .isEqualTo(413);
  }

  @Test
  void loginPage_whenSignedIn_redirectsToNext() {
    String session = login();
    HttpResponse<String> response =
        server.get("/login?next=%2Fdash%2Fworkers", "Cookie", sessionHeader(session));
    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).contains("/dash/workers");
  }

  @Test
  void loginPage_escapesNext() {
    HttpResponse<String> page = server.get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assertThat(page.body()).doesNotContain("<script").contains("&quot;&gt;&lt;script&gt;");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/dash/../admin",
        "javascript:alert(1)",
        "/elsewhere",
        "http:evil.example",
        "/dash/%2e%2e/x"
      })
  void login_withForeignNext_redirectsHome(String next) {
    HttpResponse<String> response = loginWith("admin", "pa ss&word", next);
    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).contains("/dash/");
  }

  @Test
  void tamperedCookie_isRefused() {
    String session = login();
    String body = session.substring(0, session.indexOf('.'));
    String mac = session.substring(session.indexOf('.') + 1);
    String flippedMac = body + "." + (mac.charAt(0) == 'A' ? 'B' : 'A') + mac.substring(1);
    String otherUser =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                ("root|" + clock.instant().plus(Duration.ofDays(9999)).getEpochSecond())
                    .getBytes(StandardCharsets.UTF_8));
    for (String forged :
        List.of(
            flippedMac,
            otherUser + "." + mac,
            body,
            body + ".",
            "." + mac,
            session + "x",
            otherUser)) {
      assertThat(server.get("/api/tasks", "Cookie", sessionHeader(forged)).statusCode())
          .as(forged)
          .isEqualTo(401);
      assertThat(server.websocket("Cookie", sessionHeader(forged))).isEqualTo("refused 401");
    }
  }

  @Test
  void expiredCookie_isRefused() {
    String session = login();
    clock.advance(Duration.ofHours(8).minusSeconds(1));
    assertThat(server.get("/api/tasks", "Cookie", sessionHeader(session)).statusCode())
        .isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    assertThat(server.get("/api/tasks", "Cookie", sessionHeader(session)).statusCode())
        .isEqualTo(401);
    assertThat(server.get("/", "Cookie", sessionHeader(session)).statusCode()).isEqualTo(302);
    assertThat(server.websocket("Cookie", sessionHeader(session))).isEqualTo("refused 401");
  }

  @Test
  void cookieFromAnotherSecret_isRefused_andFromTheSameSecret_isAccepted() {
    String session = login();
    byte[] otherSecret = "another secret, also long enough".getBytes(StandardCharsets.UTF_8);
    try (AuthServer other =
            new AuthServer(
                Authentication.form("admin", "pa ss&word", otherSecret, Duration.ofHours(8), clock),
                "/dash");
        AuthServer replica =
            new AuthServer(
                Authentication.form("admin", "pa ss&word", SECRET, Duration.ofHours(8), clock),
                "/dash")) {
      assertThat(other.get("/api/tasks", "Cookie", sessionHeader(session)).statusCode())
          .isEqualTo(401);
      assertThat(replica.get("/api/tasks", "Cookie", sessionHeader(session)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void csrfToken_isNotASession() {
    LoginForm form = loginForm("/login");
    assertThat(server.get("/api/tasks", "Cookie", sessionHeader(form.token())).statusCode())
        .isEqualTo(401);
  }

  @Test
  void logout_needsCsrf_thenClearsTheSession() {
    String session = login();
    HttpResponse<String> refused = post("/logout", "", "Cookie", sessionHeader(session));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(cookie(refused, FormAuthHandler.SESSION_COOKIE)).isNull();

    HttpResponse<String> page = server.get("/logout", "Cookie", sessionHeader(session));
    Matcher matcher = CSRF_FIELD.matcher(page.body());
    assertThat(matcher.find()).isTrue();
    String csrfCookie = cookie(page, FormAuthHandler.CSRF_COOKIE);
    HttpResponse<String> out =
        post(
            "/logout",
            form("csrf", matcher.group(1)),
            "Cookie",
            sessionHeader(session) + "; " + FormAuthHandler.CSRF_COOKIE + "=" + csrfCookie);
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).contains("/dash/login");
    assertThat(setCookieHeader(out, FormAuthHandler.SESSION_COOKIE))
        .startsWith("stemtrace_session=;")
        .contains("Max-Age=0");
  }

  @Test
  void session_tellsTheDashboardHowToSignOut_inOneRequest() {
    String session = login();
    HttpResponse<String> described = server.get("/api/session", "Cookie", sessionHeader(session));
    assertThat(described.statusCode()).isEqualTo(200);
    assertThat(described.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(described.headers().firstValue("Cache-Control")).contains("no-store");
    Matcher csrf = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(described.body());
    assertThat(csrf.find()).as(described.body()).isTrue();
    assertThat(described.body())
        .contains("\"user\":\"admin\"")
        .contains("\"sign_out\":\"/dash/logout\"");

    HttpResponse<String> out =
        post(
            "/logout",
            form("csrf", csrf.group(1)),
            "Cookie",
            sessionHeader(session)
                + "; "
                + FormAuthHandler.CSRF_COOKIE
                + "="
                + cookie(described, FormAuthHandler.CSRF_COOKIE));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).contains("/dash/login");
    assertSignedIn(session, false);
  }

  @Test
  void session_withoutASession_isRefusedLikeTheApi() {
    assertThat(server.get("/api/session").statusCode()).isEqualTo(401);
    String session = login();
    HttpResponse<String> posted = post("/api/session", "", "Cookie", sessionHeader(session));
    assertThat(posted.statusCode()).isEqualTo(405);
  }

  /** Signs {@code session} out through the logout form. */
  void logout(String session) {
    HttpResponse<String> page = server.get("/logout", "Cookie", sessionHeader(session));
    Matcher matcher = CSRF_FIELD.matcher(page.body());
    assertThat(matcher.find()).isTrue();
    HttpResponse<String> out =
        post(
            "/logout",
            form("csrf", matcher.group(1)),
            "Cookie",
            sessionHeader(session)
                + "; "
                + FormAuthHandler.CSRF_COOKIE
                + "="
                + cookie(page, FormAuthHandler.CSRF_COOKIE));
    assertThat(out.statusCode()).isEqualTo(303);
  }

  void assertSignedIn(String session, boolean signedIn) {
    assertThat(server.get("/api/tasks", "Cookie", sessionHeader(session)).statusCode())
        .isEqualTo(signedIn ? 200 : 401);
    assertThat(server.get("/graphs", "Cookie", sessionHeader(session)).statusCode())
        .isEqualTo(signedIn ? 200 : 302);
    assertThat(server.websocket("Cookie", sessionHeader(session)))
        .isEqualTo(signedIn ? "hello" : "refused 401");
  }

  @Test
  void logout_endsThatSession_aCopiedCookieStopsWorking_otherSessionsStay() {
    String copied = login();
    String otherBrowser = login();
    assertSignedIn(copied, true);
    logout(copied);
    assertSignedIn(copied, false);
    assertSignedIn(otherBrowser, true);
    assertThat(server.get("/login", "Cookie", sessionHeader(copied)).statusCode())
        .as("login form shown again")
        .isEqualTo(200);
    // a replica with its own memory does not know of it: that takes a shared SessionRevocations
    try (AuthServer replica =
        new AuthServer(
            Authentication.form("admin", "pa ss&word", SECRET, Duration.ofHours(8), clock),
            "/dash")) {
      assertThat(replica.get("/api/tasks", "Cookie", sessionHeader(copied)).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void logout_whenTheRevocationListIsFull_signsEveryoneOutRatherThanForget() {
    server.close();
    server =
        new AuthServer(
            Authentication.form(
                "admin",
                "pa ss&word",
                SECRET,
                Duration.ofHours(8),
                clock,
                new InMemorySessionRevocations(2, clock)),
            "/dash");
    String first = login();
    String second = login();
    String third = login();
    clock.advance(Duration.ofSeconds(1));
    String fourth = login();
    logout(first);
    logout(second);
    assertSignedIn(third, true);
    logout(third); // a third revocation does not fit: every session issued so far ends
    for (String session : List.of(first, second, third, fourth)) assertSignedIn(session, false);
    clock.advance(Duration.ofMillis(1));
    String fresh = login();
    assertSignedIn(fresh, true);
    logout(fresh); // the list was emptied, so this one fits again and ends only itself
    String later = login();
    assertSignedIn(fresh, false);
    assertSignedIn(later, true);
  }

  @Test
  void aSessionCookieOfTheOldFormat_isRefused() {
    String legacy =
        new SignedTokens(SECRET)
            .sign(
                FormAuthHandler.SESSION_PURPOSE,
                "admin",
                clock.instant().plus(Duration.ofHours(1)));
    assertThat(server.get("/api/tasks", "Cookie", sessionHeader(legacy)).statusCode())
        .isEqualTo(401);
  }

  @Test
  void loginAndLogout_otherMethods_are405() {
    assertThat(server.send(server.request("/login").DELETE().build()).statusCode()).isEqualTo(405);
    assertThat(
            server
                .send(server.request("/logout").PUT(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode())
        .isEqualTo(405);
  }

  @Test
  void atTheRoot_cookiePathIsSlash_andLoginIsAtSlashLogin() {
    try (AuthServer root =
        new AuthServer(
            Authentication.form("admin", "pa ss&word", SECRET, Duration.ofHours(8), clock), "/")) {
      HttpResponse<String> redirect = root.get("/graphs");
      assertThat(redirect.headers().firstValue("Location")).contains("/login?next=%2Fgraphs");
      HttpResponse<String> page = root.get("/login");
      assertThat(setCookieHeader(page, FormAuthHandler.CSRF_COOKIE))
          .contains("; Path=/;")
          .contains("SameSite=Strict");
      assertThat(page.body()).contains("action=\"/login\"");
    }
  }

  @Test
  void form_rejectsBadConfiguration() {
    assertThatThrownBy(() -> Authentication.form("admin", "pw", "short", Duration.ofHours(1)))
        .hasMessageContaining("secret shorter than 16 bytes");
    assertThatThrownBy(() -> Authentication.form("admin", "pw", "0123456789abcdef", Duration.ZERO))
        .hasMessageContaining("sessionTtl");
    assertThatThrownBy(() -> Authentication.form("admin", "pw", null, Duration.ofHours(1)))
        .hasMessage("secret == null");
    assertThat(
            Authentication.form("admin", "pw", "0123456789abcdef", Duration.ofHours(1)).toString())
        .doesNotContain("0123456789abcdef")
        .doesNotContain("pw,");
  }
}
