"""In-site notifications, and the email for a new message.

Why here: the events come from several apps. Follows, invites and messages are collaboration's
own; claim decisions and correction suggestions are the people layer's (profiles), which may not
import anything above it. collaboration is the social layer on top of profiles, so the model
lives here: collaboration's services call ``services.notify_*`` directly, and profiles' events
arrive through ``profiles.signals`` (claim_decided, correction_suggested), connected to the
receivers in ``services`` from CollaborationConfig.ready().

models (Notification, NotificationPreference), services (writes, receivers, the header's
counts), mail (the message email and its signed one-click unsubscribe link), views, urls.
"""
