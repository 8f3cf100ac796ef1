"""Login and sessions: e-ID for citizens, SITHS for staff, server-side sessions."""
