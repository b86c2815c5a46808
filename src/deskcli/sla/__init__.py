"""Service levels: business-time calendars, policies and case clocks."""
