def test_the_booking_reads_the_schedule_as_the_orm_would(schedule, nurse):
    from isolation.teleconsult.models import DoctorSchedule
    from isolation.teleconsult.services.bookings import _schedule_lookup

    expected = DoctorSchedule.objects.select_related("doctor__facility__district").get(
        doctor=nurse
    )

    found = _schedule_lookup(nurse.pk)

    for a, b in [
        (found, expected),
        (found.doctor, expected.doctor),
        (found.doctor.facility, expected.doctor.facility),
        (found.doctor.facility.district, expected.doctor.facility.district),
    ]:
        assert type(a) is type(b) and a.pk == b.pk
        for field in type(a)._meta.concrete_fields:
            if field.name != "password":
                assert getattr(a, field.attname) == getattr(b, field.attname), field
    assert "password" in found.doctor.get_deferred_fields()
    assert found.doctor.facility.tz == expected.doctor.facility.tz

    DoctorSchedule.objects.filter(pk=schedule.pk).update(is_active=False)
    assert _schedule_lookup(nurse.pk) is None
