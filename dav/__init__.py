"""The CalDAV door (RFC 4791, RFC 4918, RFC 6578): task apps on phones and desktops sync the
caller's lists as task calendars and their tasks as VTODO resources, under /dav/.

Named `dav`, not `caldav`: that is the import name of the CalDAV client library the tests and
caldav-server-tester drive, which a package of ours of that name would shadow.
"""
