# Every live handle as a dict; -kind narrows the list.
set x [torch::randn {4 4}]
set model [torch::linear 4 2]
foreach entry [torch::handles] {
    puts "[dict get $entry handle]: [dict get $entry kind], [dict get $entry bytes] bytes"
}
set layer [lindex [torch::handles -kind module] 0]
puts "$model has [dict get $layer parameters] parameters"
