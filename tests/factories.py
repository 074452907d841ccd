from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress

from lms.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class QualifyingAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "enrollment.QualifyingAgency"

    name = factory.Sequence(lambda n: f"Community Mental Health Center {n}")
    contract_type = "111"
    city = "Norman"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft whose four sections are complete for its track (a high-school CM I by default)."""

    class Meta:
        model = "enrollment.Application"

    user = factory.SubFactory(UserFactory)
    track = "cm1"
    legal_first_name = factory.LazyAttribute(lambda o: o.user.first_name)
    legal_last_name = factory.LazyAttribute(lambda o: o.user.last_name)
    date_of_birth = factory.Sequence(lambda n: date(1980, 1, 1) + timedelta(days=n))
    phone = "405-555-0100"
    address_line1 = "1200 N Lincoln Blvd"
    city = "Oklahoma City"
    state = "OK"
    postal_code = "73105"
    county = "Oklahoma"
    highest_education = "high_school"
    months_experience = 40
    agency = factory.SubFactory(QualifyingAgencyFactory)
    job_title = "Case manager"
    employment_start_date = date(2024, 3, 1)
