"""After sign-off: every version of the SLA (history, downloads), amendments and the review
calendar. Routes in views.py; the stored versions themselves live in document/versions.py."""
