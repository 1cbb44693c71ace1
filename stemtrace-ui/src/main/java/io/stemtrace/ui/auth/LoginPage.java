package io.stemtrace.ui.auth;

/**
 * The login and logout pages: self-contained HTML with its own small stylesheet and no script, so
 * they work under the strict Content-Security-Policy and with JavaScript disabled. Every dynamic
 * value is escaped.
 */
final class LoginPage {

  private static final String STYLE =
      """
      :root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--fg:#1d2330;--muted:#5b6475;--line:#d5d9e0;\
      --accent:#2f6fed;--err:#b42318}
      @media (prefers-color-scheme:dark){:root{--bg:#12151b;--card:#1b1f27;--fg:#e6e9ef;--muted:#9aa3b2;\
      --line:#2e3440;--accent:#5b8cff;--err:#ff7b72}}
      *{box-sizing:border-box}
      body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);\
      color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
      main{width:min(360px,92vw);background:var(--card);border:1px solid var(--line);border-radius:10px;\
      padding:28px 28px 24px;box-shadow:0 6px 24px rgba(0,0,0,.08)}
      h1{margin:0 0 4px;font-size:20px;letter-spacing:.2px}
      p{margin:0 0 18px;color:var(--muted)}
      label{display:block;margin:12px 0 4px;font-weight:600;font-size:13px}
      input[type=text],input[type=password]{width:100%;padding:9px 10px;border:1px solid var(--line);\
      border-radius:6px;background:transparent;color:inherit;font:inherit}
      input:focus{outline:2px solid var(--accent);outline-offset:1px}
      button{margin-top:20px;width:100%;padding:10px;border:0;border-radius:6px;background:var(--accent);\
      color:#fff;font:inherit;font-weight:600;cursor:pointer}
      .error{margin:0 0 6px;padding:8px 10px;border-radius:6px;border:1px solid var(--err);color:var(--err)}
      """;

  private LoginPage() {}

  static String login(String action, String csrf, String next, String error) {
    StringBuilder body = new StringBuilder(512);
    body.append("<h1>stemtrace</h1><p>Sign in to the task dashboard.</p>");
    if (error != null)
      body.append("<div class=\"error\" role=\"alert\">").append(escape(error)).append("</div>");
    body.append("<form method=\"post\" action=\"")
        .append(escape(action))
        .append("\">")
        .append("<input type=\"hidden\" name=\"csrf\" value=\"")
        .append(escape(csrf))
        .append("\">")
        .append("<input type=\"hidden\" name=\"next\" value=\"")
        .append(escape(next == null ? "" : next))
        .append("\">")
        .append("<label for=\"username\">User</label>")
        .append(
            "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required autofocus>")
        .append("<label for=\"password\">Password</label>")
        .append(
            "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
        .append("<button type=\"submit\">Sign in</button></form>");
    return page("Sign in - stemtrace", body.toString());
  }

  static String logout(String action, String csrf) {
    String body =
        "<h1>stemtrace</h1><p>Sign out of the task dashboard?</p>"
            + "<form method=\"post\" action=\""
            + escape(action)
            + "\">"
            + "<input type=\"hidden\" name=\"csrf\" value=\""
            + escape(csrf)
            + "\">"
            + "<button type=\"submit\">Sign out</button></form>";
    return page("Sign out - stemtrace", body);
  }

  private static String page(String title, String body) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"referrer\" content=\"same-origin\">"
        + "<title>"
        + escape(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body><main>"
        + body
        + "</main></body></html>";
  }

  /** HTML text and double-quoted attribute escaping. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
