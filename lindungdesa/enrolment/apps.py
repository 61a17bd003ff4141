from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "lindungdesa.enrolment"
    label = "enrolment"
