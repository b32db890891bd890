package dev.simrun.emulator.tasks;

import java.util.Base64;

/** Offset paging with an opaque token, as ListQueues and ListTasks answer. */
record Page(int from, int to, String nextToken) {
  static final int MAX_PAGE_SIZE = 1000;

  static Page of(int pageSize, String token, int total) {
    if (pageSize < 0) {
      throw Names.invalid("page_size must not be negative");
    }
    int size = pageSize == 0 ? MAX_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    int from = 0;
    if (!token.isEmpty()) {
      try {
        from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token)));
      } catch (IllegalArgumentException e) {
        throw Names.invalid("Invalid page_token");
      }
      if (from < 0) {
        throw Names.invalid("Invalid page_token");
      }
    }
    from = Math.min(from, total);
    int to = Math.min(total, from + size);
    String next =
        to < total
            ? Base64.getUrlEncoder().withoutPadding().encodeToString(("" + to).getBytes())
            : "";
    return new Page(from, to, next);
  }
}
