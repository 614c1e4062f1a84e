# Give a second model the first one's weights through a state dict file.
set teacher [torch::linear 3 3]
set student [torch::linear 3 3]
close [file tempfile path /tmp/teacher.pt]
torch::save_state_dict $teacher $path
puts [torch::load_state_dict -model $student -file $path]
set x [torch::randn {2 3}]
puts "same predictions: [torch::allclose [torch::layer_forward $teacher $x] [torch::layer_forward $student $x]]"
file delete $path
