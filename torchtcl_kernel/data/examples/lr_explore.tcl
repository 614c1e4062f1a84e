# Dry-run a schedule without training: 8 steps of a StepLR from LR 0.1 (the default -lr), next to
# an exponential decay; -save writes both curves to a CSV file.
close [file tempfile path /tmp/lr_explore.csv]
set curve [torch::lr_explore step -steps 8 -stepSize 3 -gamma 0.5 \
               -compare {{exponential -gamma 0.8}} -save $path]
puts "StepLR: $curve"
set f [open $path]
puts -nonewline [read $f]
close $f
file delete $path
