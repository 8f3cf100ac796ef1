"""Named assumption scenarios: a planner's saved assumptions, shared within their region (or
the national body), and the side-by-side comparison of the need they give."""
