"""Who is asking: sign-in codes, passwords, sessions, partner apps' tokens."""
