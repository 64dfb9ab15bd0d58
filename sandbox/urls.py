"""The sandbox platform's URLs, mounted at /sandbox/ when PROMPTLY_SANDBOX is on.

X API base: /sandbox/x (tweepy's https://api.twitter.com), Graph API base: /sandbox/graph.
"""

from django.urls import path

from sandbox import feeds, views
from sandbox.api import graph, x

app_name = "sandbox"

urlpatterns = [
    path("x/2/users/<int:user_id>/mentions", x.user_mentions, name="x-mentions"),
    path("x/2/users/<int:user_id>/tweets", x.user_tweets, name="x-user-tweets"),
    path("x/2/tweets/search/recent", x.search_recent, name="x-search"),
    path("x/2/tweets/<int:tweet_id>", x.tweet_detail, name="x-tweet"),
    path("x/2/tweets/<int:tweet_id>/hidden", x.hide_reply, name="x-hide-reply"),
    path("x/2/tweets", x.create_tweet, name="x-create-tweet"),
    path("x/2/dm_events", x.dm_events, name="x-dm-events"),
    path("x/2/dm_conversations/with/<int:participant_id>/dm_events", x.dm_events_with, name="x-dm-events-with"),
    path("x/2/dm_conversations/with/<int:participant_id>/messages", x.send_dm, name="x-send-dm"),
    path("graph/<path:rest>", graph.graph_api, name="graph"),
    path("feeds/<slug:slug>.xml", feeds.alert_feed, name="feed"),
    path("", views.home, name="home"),
    path("x/messages/<str:conversation_id>", views.x_messages, name="x-messages"),
    path("x/<str:handle>/status/<int:tweet_id>", views.x_status, name="x-status"),
    path("facebook/<int:page_id>/messages/<str:conversation_id>", views.facebook_messages, name="facebook-messages"),
    path("facebook/<str:post_id>", views.facebook_post, name="facebook-post"),
]
