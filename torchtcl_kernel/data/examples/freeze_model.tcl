# Freeze a pretrained feature layer and train only the head on top of it.
set features [torch::linear 6 4]
set head [torch::linear 4 2]
set net [torch::sequential [list $features $head]]
puts [torch::freeze_model $features]
puts "trainable values: [torch::count_parameters $net] of [expr {6*4 + 4 + 4*2 + 2}]"
