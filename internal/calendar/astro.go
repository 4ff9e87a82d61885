package calendar

import "math"

// This file holds the astronomy behind the lunar calendar, written from the
// formulas in Jean Meeus, "Astronomical Algorithms" (2nd ed., 1998):
// chapter 49 (phases of the Moon) for new moons and chapter 25 (low accuracy
// solar coordinates) for the Sun's apparent longitude. Times are Julian Days
// (JD); Meeus' results are in Terrestrial Time and are turned into Universal
// Time with an estimate of ΔT, then into Vietnamese local days (UTC+7).

const (
	// synodicMonth is the mean length of a lunation in days.
	synodicMonth = 29.530588861
	// newMoonEpoch is the mean new moon of k = 0 (2000-01-06), in JDE.
	newMoonEpoch = 2451550.09766
	// tzHours is the offset of Vietnamese civil time (and of the Vietnamese
	// lunar calendar since 1968) from UTC.
	tzHours = 7.0
	rad     = math.Pi / 180
)

// newMoonJDE returns the instant (JDE, Terrestrial Time) of the true new moon
// of lunation k, where k = 0 is the new moon of 6 January 2000 (Meeus 49.1
// plus the periodic and planetary corrections of chapter 49). The error is a
// few seconds over 1900–2100, far below what deciding the day needs except in
// the rare case of a new moon within a minute of midnight.
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t

	jde := newMoonEpoch + synodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	e := 1 - 0.002516*t - 0.0000074*t2
	m := (2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3) * rad                      // Sun's mean anomaly
	mp := (201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4) * rad // Moon's mean anomaly
	f := (160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4) * rad  // Moon's argument of latitude
	om := (124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3) * rad                    // longitude of the ascending node
	s := math.Sin

	corr := -0.40720*s(mp) +
		0.17241*e*s(m) +
		0.01608*s(2*mp) +
		0.01039*s(2*f) +
		0.00739*e*s(mp-m) -
		0.00514*e*s(mp+m) +
		0.00208*e*e*s(2*m) -
		0.00111*s(mp-2*f) -
		0.00057*s(mp+2*f) +
		0.00056*e*s(2*mp+m) -
		0.00042*s(3*mp) +
		0.00042*e*s(m+2*f) +
		0.00038*e*s(m-2*f) -
		0.00024*e*s(2*mp-m) -
		0.00017*s(om) -
		0.00007*s(mp+2*m) +
		0.00004*s(2*mp-2*f) +
		0.00004*s(3*m) +
		0.00003*s(mp+m-2*f) +
		0.00003*s(2*mp+2*f) -
		0.00003*s(mp+m+2*f) +
		0.00003*s(mp-m+2*f) -
		0.00002*s(mp-m-2*f) -
		0.00002*s(3*mp+m) +
		0.00002*s(4*mp)

	// Additional (planetary) corrections A1..A14.
	planetary := [14][3]float64{
		{299.77, 0.107408, 0.000325},
		{251.88, 0.016321, 0.000165},
		{251.83, 26.651886, 0.000164},
		{349.42, 36.412478, 0.000126},
		{84.66, 18.206239, 0.000110},
		{141.74, 53.303771, 0.000062},
		{207.14, 2.453732, 0.000060},
		{154.84, 7.306860, 0.000056},
		{34.52, 27.261239, 0.000047},
		{207.19, 0.121824, 0.000042},
		{291.34, 1.844379, 0.000040},
		{161.72, 24.198154, 0.000037},
		{239.56, 25.513099, 0.000035},
		{331.55, 3.592518, 0.000023},
	}
	for i, p := range planetary {
		a := p[0] + p[1]*kf
		if i == 0 {
			a -= 0.009173 * t2
		}
		corr += p[2] * s(a*rad)
	}
	return jde + corr
}

// deltaT returns ΔT = TT − UT in seconds for a decimal year, from the
// polynomial expressions of Espenak and Meeus (NASA, "Five Millennium Canon
// of Solar Eclipses"). Beyond today ΔT is an extrapolation; its uncertainty
// (a minute or two by 2100) only matters for a new moon or solar term within
// that time of local midnight.
func deltaT(year float64) float64 {
	switch {
	case year < 1860:
		u := (year - 1820) / 100
		return -20 + 32*u*u
	case year < 1900:
		t := year - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t -
			0.0004473624*t*t*t*t + t*t*t*t*t/233174
	case year < 1920:
		t := year - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case year < 1941:
		t := year - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case year < 1961:
		t := year - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case year < 1986:
		t := year - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case year < 2005:
		t := year - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t +
			0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case year < 2050:
		t := year - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case year < 2150:
		u := (year - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-year)
	default:
		u := (year - 1820) / 100
		return -20 + 32*u*u
	}
}

// jdYear gives the decimal year of a Julian Day, precise enough for ΔT.
func jdYear(jd float64) float64 { return 2000 + (jd-2451545.0)/365.25 }

// ttToUT converts a JDE (Terrestrial Time) to a JD in Universal Time.
func ttToUT(jde float64) float64 { return jde - deltaT(jdYear(jde))/86400 }

// utToTT converts a JD in Universal Time to a JDE (Terrestrial Time).
func utToTT(jd float64) float64 { return jd + deltaT(jdYear(jd))/86400 }

// localDay returns the Julian Day Number of the Vietnamese civil day
// (UTC+7) that contains the instant jdUT.
func localDay(jdUT float64) int {
	return int(math.Floor(jdUT + 0.5 + tzHours/24))
}

// newMoonDay returns the JDN of the Vietnamese day on which new moon k falls:
// the first day of a lunar month.
func newMoonDay(k int) int { return localDay(ttToUT(newMoonJDE(k))) }

// sunLongitude returns the Sun's apparent geocentric longitude in degrees
// [0, 360) at the instant jde (Meeus chapter 25, low accuracy: about 0.01°,
// i.e. about a quarter of an hour in time).
func sunLongitude(jde float64) float64 {
	t := (jde - 2451545.0) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := (357.52911 + 35999.05029*t - 0.0001537*t*t) * rad
	c := (1.914602-0.004817*t-0.000014*t*t)*math.Sin(m) +
		(0.019993-0.000101*t)*math.Sin(2*m) +
		0.000289*math.Sin(3*m)
	om := (125.04 - 1934.136*t) * rad
	lambda := l0 + c - 0.00569 - 0.00478*math.Sin(om)
	lambda = math.Mod(lambda, 360)
	if lambda < 0 {
		lambda += 360
	}
	return lambda
}

// sunSectorAtDayStart returns which 30° sector (0..11) of ecliptic longitude
// the Sun is in at 00:00 Vietnamese time at the start of day jdn. A major
// solar term (trung khí) falls in the days [a, b) exactly when the sector at
// the start of a differs from the sector at the start of b; sector 9 begins
// at the winter solstice (270°).
func sunSectorAtDayStart(jdn int) int {
	jdUT := float64(jdn) - 0.5 - tzHours/24
	return int(sunLongitude(utToTT(jdUT)) / 30)
}
