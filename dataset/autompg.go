package dataset

import (
	"fmt"
	"strconv"
)

// Auto MPG as vega-datasets ships it in data/cars.json: 406 records with keys
// Name, Miles_per_Gallon, Cylinders, Displacement, Horsepower, Weight_in_lbs,
// Acceleration, Year ("1970-01-01" … "1982-01-01") and Origin ("USA",
// "Europe", "Japan"). Miles_per_Gallon is null in 8 records and Horsepower in
// 6 (no record lacks both), so 392 records are complete, as in the UCI file
// the TensorFlow regression tutorial reads.

// AutoMPGFeatures names the features LoadAutoMPG returns, in order: the
// regression tutorial's columns after pd.get_dummies on Origin.
var AutoMPGFeatures = []string{"Cylinders", "Displacement", "Horsepower", "Weight",
	"Acceleration", "Model Year", "Europe", "Japan", "USA"}

// AutoMPGOptions are the TableOptions LoadAutoMPG applies to vega's cars.json
// (or a CSV with the same columns).
func AutoMPGOptions() TableOptions {
	return TableOptions{
		Features: []string{"Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year", "Origin"},
		Target:   "Miles_per_Gallon",
		OneHot:   []OneHot{{Column: "Origin", Categories: []string{"Europe", "Japan", "USA"}}},
		Parse:    map[string]func(string) (float64, error){"Year": modelYear},
	}
}

// modelYear turns a date "1970-01-01" into the UCI file's model year, 70.
func modelYear(s string) (float64, error) {
	if len(s) < 4 {
		return 0, fmt.Errorf("%w: want a date like 1970-01-01", ErrFormat)
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || (len(s) > 4 && s[4] != '-') {
		return 0, fmt.Errorf("%w: want a date like 1970-01-01", ErrFormat)
	}
	return float64(y - 1900), nil
}

// LoadAutoMPG loads Auto MPG from vega-datasets' cars.json (see
// scripts/fetch-data.sh) the way the TensorFlow regression tutorial prepares
// it: records with a missing value dropped (392 remain), input "x" float32
// [392, 9] with the features AutoMPGFeatures names (Year as the model year
// 70…82, Origin one-hot as Europe/Japan/USA), targets float32 [392] miles per
// gallon. Normalisation is left to the model (or Moments/Normalize); the
// tutorial's 80/20 split is TrainTestSplit(0.8, seed).
func LoadAutoMPG(path string) (TableData, error) {
	t, err := LoadTable(path)
	if err != nil {
		return TableData{}, err
	}
	td, err := t.Dataset(AutoMPGOptions())
	if err != nil {
		return TableData{}, err
	}
	td.Features = append([]string(nil), AutoMPGFeatures...)
	td.Source = "autompg " + path
	return td, nil
}
