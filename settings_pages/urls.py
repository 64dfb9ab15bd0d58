from django.urls import path

from settings_pages.views import channels, pages, people

app_name = "settings"

urlpatterns = [
    path("", pages.SettingsHomeView.as_view(), name="home"),
    path("brands/<slug:slug>/", pages.BrandView.as_view(), name="brand"),
    path("people/", people.PeopleView.as_view(), name="people"),
    path("people/<int:pk>/", people.PersonView.as_view(), name="person"),
    path("people/<int:pk>/deactivate/", people.PersonDeactivateView.as_view(), name="person-deactivate"),
    path("people/<int:pk>/reactivate/", people.PersonReactivateView.as_view(), name="person-reactivate"),
    path("channels/", channels.ChannelsView.as_view(), name="channels"),
    path("channels/<int:pk>/", channels.ChannelView.as_view(), name="channel"),
    path("channels/<int:pk>/test/", channels.ChannelTestView.as_view(), name="channel-test"),
    path("channels/<int:pk>/pause/", channels.ChannelPauseView.as_view(), name="channel-pause"),
    path("channels/<int:pk>/resume/", channels.ChannelResumeView.as_view(), name="channel-resume"),
    path("routing/", pages.RoutingView.as_view(), name="routing"),
    path("quarantine/", pages.QuarantineView.as_view(), name="quarantine"),
    path("quarantine/<int:pk>/retry/", pages.QuarantineItemView.as_view(), name="quarantine-retry"),
    path("quarantine/<int:pk>/discard/", pages.QuarantineDiscardView.as_view(), name="quarantine-discard"),
]
